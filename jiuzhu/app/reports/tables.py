"""The 通报's tables, built once from the figures and written by the .docx, the .xlsx and the dashboard."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from jiuzhu.app.reports.figures import PeriodFigures, QuarterlyFigures
from jiuzhu.app.reports.periods import QUARTER_NAMES
from jiuzhu.engine.identity.money import format_wan


@dataclass(frozen=True)
class Money:
    """An amount in 分; each writer shows it its own way (万元 in the 通报, 元 in the workbook)."""

    fen: int


Cell = str | int | float | Money | None


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


ALL_PERIODS = ("quarter", "year", "since")


def display(value: Cell) -> str:
    """A cell as the 通报 and the dashboard show it: amounts in 万元, days to one decimal."""
    if value is None:
        return "—"
    if isinstance(value, Money):
        return format_wan(value.fen)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    return str(value)


def _periods(fig: QuarterlyFigures, keys: Iterable[str]) -> list[PeriodFigures]:
    return [pf for pf in fig.periods if pf.key in set(keys)]


def _per_period(title: str, key: str, first: str, names: dict[str, str], counts: Callable[[PeriodFigures], dict],
                fig: QuarterlyFigures, *, keep_zero: bool = False) -> Table:
    """Rows by code (named), one column per period."""
    periods = fig.periods
    table = Table(key, title, [first, *(pf.label for pf in periods)])
    for code, name in names.items():
        values = [counts(pf).get(code, 0) for pf in periods]
        if keep_zero or any(values):
            table.rows.append([name, *values])
    return table


def overview(fig: QuarterlyFigures) -> Table:
    periods = fig.periods
    table = Table("overview", "总体情况", ["项目", *(pf.label for pf in periods)])
    lines: list[tuple[str, Callable[[PeriodFigures], Cell]]] = [
        ("发现救助线索（条）", lambda pf: pf.clues),
        ("其中：已立案（条）", lambda pf: pf.clues_accepted),
        ("其中：已移送（条）", lambda pf: pf.clues_referred),
        ("受理救助案件（件）", lambda pf: pf.cases_accepted),
        ("受理救助人数（人）", lambda pf: pf.persons_accepted),
        *((f"其中：{name}（件）", lambda pf, code=code: pf.cases_by_origin.get(code, 0))
          for code, name in fig.origin_names.items()),
        ("先行救助（件）", lambda pf: pf.urgent_cases),
        ("决定救助（件）", lambda pf: pf.granted_cases),
        ("决定救助人数（人）", lambda pf: pf.granted_persons),
        ("决定救助金额", lambda pf: Money(pf.granted_fen)),
        ("不予救助（件）", lambda pf: pf.refused_cases),
        ("发放救助金（件）", lambda pf: pf.paid_cases),
        ("发放救助金金额", lambda pf: Money(pf.paid_fen)),
        ("受理至决定用时中位数（工作日）", lambda pf: pf.days.median),
        ("受理至决定最长用时（工作日）", lambda pf: pf.days.max),
        (f"受理至决定超过{fig.review_limit_days}个工作日（件）", lambda pf: pf.days.over_limit),
        (f"{fig.approval_target_days}个工作日内完成审批（件）", lambda pf: pf.days.approvals_within_target),
        ("完成回访（次）", lambda pf: pf.follow_ups_done),
        ("回访逾期（次）", lambda pf: pf.follow_ups_late),
    ]
    for label, value in lines:
        table.rows.append([label, *(value(pf) for pf in periods)])
    return table


def by_quarter(fig: QuarterlyFigures) -> Table:
    table = Table("by_quarter", f"{fig.year}年分季度情况",
                  ["季度", "受理案件（件）", "决定救助（件）", "决定救助金额", "发放救助金金额"])
    for row in fig.quarters:
        table.rows.append([QUARTER_NAMES[row.quarter], row.cases_accepted, row.granted_cases, Money(row.granted_fen),
                           Money(row.paid_fen)])
    return table


def clues_by_rule(fig: QuarterlyFigures) -> Table:
    names = {code: f"{code} {name}" if name != code else code for code, name in fig.rule_names.items()}
    return _per_period("线索发现情况（按筛查规则）", "clues_by_rule", "筛查规则", names,
                       lambda pf: pf.clues_by_rule, fig)


def clues_by_source(fig: QuarterlyFigures) -> Table:
    return _per_period("线索发现情况（按数据来源）", "clues_by_source", "数据来源", fig.source_names,
                       lambda pf: pf.clues_by_source, fig)


def refusals(fig: QuarterlyFigures) -> Table:
    return _per_period("不予救助理由", "refusals", "理由", fig.reason_names, lambda pf: pf.refused_by_reason, fig,
                       keep_zero=True)


def tags(fig: QuarterlyFigures) -> Table:
    names: dict[str, str] = {}
    for pf in reversed(fig.periods):  # the widest period's order: most persons first
        names.update({t: t for t in pf.persons_by_tag if t not in names})
    return _per_period("救助对象（按标签，人）", "tags", "标签", names, lambda pf: pf.persons_by_tag, fig)


REFERRAL_COLUMNS = (("referrals_received", "接收"), ("referrals_answered", "反馈"), ("referrals_returned", "退回"),
                    ("referrals_overdue", "超期"))
PLAN_COLUMNS = (("plan_items_done", "已落实"), ("plan_items_open", "未落实"))


def _per_unit(fig: QuarterlyFigures, key: str, title: str, columns, keys: Iterable[str]) -> Table:
    periods = _periods(fig, keys)
    table = Table(key, title, ["单位", *(f"{pf.label}{label}" for pf in periods for _, label in columns)])
    for code, name in fig.unit_names.items():
        rows = [pf.units.get(code) for pf in periods]
        if not any(rows):
            continue
        cells = [getattr(row, attr) if row else 0 for row in rows for attr, _ in columns]
        if any(cells):  # a unit listed for its plan items has no line in the referrals table, and back
            table.rows.append([name, *cells])
    return table


def referrals(fig: QuarterlyFigures, keys: Iterable[str] = ALL_PERIODS) -> Table:
    return _per_unit(fig, "referrals", "协作单位移送办理情况（件）", REFERRAL_COLUMNS, keys)


def plan_items(fig: QuarterlyFigures, keys: Iterable[str] = ALL_PERIODS) -> Table:
    """已落实 in the period; 未落实 = still open at the period's end (or today), whenever made."""
    return _per_unit(fig, "plan_items", "救助方案事项落实情况（项）", PLAN_COLUMNS, keys)


def all_tables(fig: QuarterlyFigures, unit_periods: Iterable[str] = ALL_PERIODS) -> list[Table]:
    unit_periods = tuple(unit_periods)
    return [overview(fig), by_quarter(fig), clues_by_rule(fig), clues_by_source(fig), refusals(fig), tags(fig),
            referrals(fig, unit_periods), plan_items(fig, unit_periods)]
