"""The sentences of the 通报, shared by the document and the dashboard."""

from __future__ import annotations

from jiuzhu.app.reports.figures import QuarterlyFigures
from jiuzhu.app.reports.periods import QUARTER_NAMES
from jiuzhu.app.reports.tables import display
from jiuzhu.engine.identity.money import fen_to_yuan, format_wan


def quarter_name(fig: QuarterlyFigures) -> str:
    return f"{fig.year}年{QUARTER_NAMES[fig.quarter]}"


def document_title(fig: QuarterlyFigures) -> str:
    return f"{fig.organisation}关于{quarter_name(fig)}司法救助工作情况的通报"


def days_text(value: float | int | None) -> str:
    return display(None if value is None else float(value))


def wan_and_yuan(fen: int) -> str:
    """``46.50万元（465,000.00元）``: 万元 for reading, 元 for checking."""
    return f"{format_wan(fen)}（{fen_to_yuan(fen)}元）"


def overall(fig: QuarterlyFigures) -> list[str]:
    """One sentence per period — 本季度, 今年以来, and since the start year (the seed's "2022年以来") — all
    counting the same things the same way, so that the longer period never shows fewer cases than the
    shorter (a "共办理" of granted cases beside "受理" of accepted ones read as a contradiction)."""
    out = []
    for pf in (*fig.periods[:2], fig.since_start):
        out.append(
            f"{pf.label}，受理国家司法救助案件{pf.cases_accepted}件{pf.persons_accepted}人，"
            f"决定救助{pf.granted_cases}件{pf.granted_persons}人，决定救助金额{wan_and_yuan(pf.granted_fen)}，"
            f"发放救助金{pf.paid_cases}件{wan_and_yuan(pf.paid_fen)}；不予救助{pf.refused_cases}件。")
    return out


def clues(fig: QuarterlyFigures) -> str:
    q, y = fig.this_quarter, fig.year_to_date
    return (f"本季度通过数据筛查等途径发现救助线索{q.clues}条，其中已立案{q.clues_accepted}条、"
            f"已移送相关单位{q.clues_referred}条；今年以来累计发现线索{y.clues}条。")


def timeliness(fig: QuarterlyFigures) -> str:
    q = fig.this_quarter
    if not q.days.decided:
        return "本季度未作出救助决定。"
    return (f"本季度作出决定{q.days.decided}件，受理至决定用时中位数{days_text(q.days.median)}个工作日，"
            f"最长{days_text(q.days.max)}个工作日，超过{fig.review_limit_days}个工作日的{q.days.over_limit}件；"
            f"{q.days.approvals_within_target}件在{fig.approval_target_days}个工作日内完成审批。")


def overdue_units(fig: QuarterlyFigures) -> str:
    late = [(row.unit_name, row.referrals_overdue) for row in fig.this_quarter.units.values()
            if row.referrals_overdue]
    if not late:
        return "本季度移送各单位的事项均在时限内签收、反馈。"
    parts = "、".join(f"{name}{n}件" for name, n in sorted(late, key=lambda x: (-x[1], x[0])))
    return f"本季度移送的事项中，超过时限签收或反馈的：{parts}，请相关单位抓紧办理。"


def follow_ups(fig: QuarterlyFigures) -> str:
    q = fig.this_quarter
    return f"本季度完成回访{q.follow_ups_done}次，逾期未回访或逾期回访{q.follow_ups_late}次。"
