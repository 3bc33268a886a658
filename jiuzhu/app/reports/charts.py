"""Chart geometry for the dashboard, drawn by the template as inline SVG and CSS bars (no script, no CDN)."""

from __future__ import annotations

from jiuzhu.app.reports import tables
from jiuzhu.app.reports.figures import QuarterlyFigures
from jiuzhu.app.reports.periods import QUARTER_NAMES
from jiuzhu.engine.identity.money import format_wan

# SVG canvas of the money-by-quarter chart
WIDTH, HEIGHT, BASE, TOP = 360, 200, 170, 20
GROUP, BAR = 80, 26


def bars(table: tables.Table, column: int, *, skip_zero: bool = False) -> list[dict]:
    """CSS bars of one column of a table: label, value, width in percent of the largest."""
    values = [(row[0], row[column]) for row in table.rows if isinstance(row[column], int)]
    if skip_zero:
        values = [(label, v) for label, v in values if v]
    top = max((v for _, v in values), default=0) or 1
    return [{"label": label, "value": v, "width": round(100 * v / top)} for label, v in values]


def money_by_quarter(fig: QuarterlyFigures) -> dict:
    """Granted and paid money per quarter of the year, as SVG rectangles scaled to the largest amount."""
    top = max((max(r.granted_fen, r.paid_fen) for r in fig.quarters), default=0) or 1
    groups = []
    for i, row in enumerate(fig.quarters):
        x = 40 + i * GROUP
        rects = []
        for j, (fen, css) in enumerate(((row.granted_fen, "granted"), (row.paid_fen, "paid"))):
            h = round((BASE - TOP) * fen / top)
            rects.append({"x": x + j * BAR, "y": BASE - h, "h": h, "css": css, "text": format_wan(fen)})
        groups.append({"label": QUARTER_NAMES[row.quarter], "label_x": x + BAR, "rects": rects})
    return {"width": WIDTH, "height": HEIGHT, "base": BASE, "bar": BAR - 4, "groups": groups,
            "top_text": format_wan(top) if top > 1 else ""}


def for_dashboard(fig: QuarterlyFigures) -> list[dict]:
    year_column = 2  # 今年以来 in the tables with one column per period
    referral = tables.referrals(fig, ("year",))
    return [
        {"title": "今年以来线索（按筛查规则，条）", "bars": bars(tables.clues_by_rule(fig), year_column)},
        {"title": "今年以来线索（按数据来源，条）", "bars": bars(tables.clues_by_source(fig), year_column)},
        {"title": "今年以来不予救助理由（件）", "bars": bars(tables.refusals(fig), year_column, skip_zero=True)},
        {"title": "今年以来救助对象（按标签，人）", "bars": bars(tables.tags(fig), year_column)},
        {"title": "今年以来各单位接收移送（件）", "bars": bars(referral, 1)},
        {"title": "今年以来各单位超期移送（件）", "bars": bars(referral, 4, skip_zero=True), "red": True},
    ]
