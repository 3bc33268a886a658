"""The figures of the 季度通报 and the dashboard, computed once for three periods (workflow.md §6).

Every count comes from stored facts with a date: a clue by when screening first found it, a case by
its 受理 date, a decision by its 决定 date, a payment by its 发放 date, a referral by when it was
sent / answered / returned and by the limit it missed. Timestamps are read as Asia/Shanghai dates.
A county has tens of cases a year, so rows are read once over the longest period and counted here,
which keeps SQLite and PostgreSQL (JSON tags, time zones) giving the same numbers."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db.models import Q

from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.casework.models import (
    Approval,
    Case,
    Decision,
    FollowUp,
    Origin,
    Payment,
    PaymentState,
    RefusalReason,
)
from jiuzhu.app.clues.models import Clue, ClueState
from jiuzhu.app.config import dates
from jiuzhu.app.config.models import TimeLimit
from jiuzhu.app.referrals.services.figures import UnitFigures, unit_figures
from jiuzhu.app.reports.periods import Period, default_start_year, local_date, periods_of
from jiuzhu.engine.identity.calendar import working_days_between
from jiuzhu.engine.region import current_region
from jiuzhu.engine.sources import SPECS

REVIEW_LIMIT = "case_review"  # 10 working days from 受理 (workflow.md §1)
APPROVAL_TARGET = "approval_target"  # the county's 7-working-day target
DEFAULT_DAYS = {REVIEW_LIMIT: 10, APPROVAL_TARGET: 7}
NO_SOURCE = "none"


@dataclass
class DaysFigures:
    """Working days from 受理 to 决定 of the decisions made in a period."""

    decided: int = 0
    median: float | None = None
    max: int | None = None
    over_limit: int = 0
    # 受理 → the last agreeing approval, against the county's target (counted, never flagged)
    approvals_measured: int = 0
    approvals_within_target: int = 0


@dataclass
class PeriodFigures:
    key: str
    label: str
    start: date
    end: date
    clues: int = 0
    clues_accepted: int = 0  # of the clues found in the period, those that became a case
    clues_referred: int = 0
    clues_by_rule: dict[str, int] = field(default_factory=dict)
    clues_by_source: dict[str, int] = field(default_factory=dict)
    cases_accepted: int = 0
    persons_accepted: int = 0
    cases_by_origin: dict[str, int] = field(default_factory=dict)
    urgent_cases: int = 0
    granted_cases: int = 0
    granted_persons: int = 0
    granted_fen: int = 0
    refused_cases: int = 0
    refused_by_reason: dict[str, int] = field(default_factory=dict)
    paid_cases: int = 0
    paid_fen: int = 0
    persons_by_tag: dict[str, int] = field(default_factory=dict)
    days: DaysFigures = field(default_factory=DaysFigures)
    # unit code → referrals received/answered/returned/overdue and plan items done/open, as the referrals
    # app counts them (one definition of 超期 for its pages and this report)
    units: dict[str, UnitFigures] = field(default_factory=dict)
    follow_ups_done: int = 0
    follow_ups_late: int = 0

    def has(self, d: date | None) -> bool:
        return d is not None and self.start <= d <= self.end


@dataclass
class QuarterRow:
    """One quarter of the report's year, for the trend table and chart."""

    quarter: int
    cases_accepted: int = 0
    granted_cases: int = 0
    granted_fen: int = 0
    paid_fen: int = 0


@dataclass
class QuarterlyFigures:
    year: int
    quarter: int
    start_year: int
    as_of: date  # overdue limits are judged on this day
    county: str
    review_limit_days: int
    approval_target_days: int
    periods: list[PeriodFigures]
    quarters: list[QuarterRow] = field(default_factory=list)  # Q1 … the report's quarter
    # code → Chinese name, in the order tables list them
    rule_names: dict[str, str] = field(default_factory=dict)
    source_names: dict[str, str] = field(default_factory=dict)
    origin_names: dict[str, str] = field(default_factory=dict)
    reason_names: dict[str, str] = field(default_factory=dict)
    unit_names: dict[str, str] = field(default_factory=dict)

    @property
    def organisation(self) -> str:
        return f"{self.county}人民检察院"

    @property
    def this_quarter(self) -> PeriodFigures:
        return self.periods[0]

    @property
    def year_to_date(self) -> PeriodFigures:
        return self.periods[1]

    @property
    def since_start(self) -> PeriodFigures:
        return self.periods[2]

    def as_dict(self) -> dict:
        return asdict(self)


def _person(id_number: str, person_key: str, case_id: int) -> str:
    """One person however the case knows them: ID number, else screening's person key, else the case."""
    return id_number or person_key or f"case:{case_id}"


def _limit_days() -> dict[str, int]:
    days = dict(DEFAULT_DAYS)
    for code, n in TimeLimit.objects.filter(code__in=list(DEFAULT_DAYS)).values_list("code", "working_days"):
        days[code] = n
    return days


def compute(year: int, quarter: int, *, start_year: int | None = None, today: date | None = None) -> QuarterlyFigures:
    """All figures of one quarter's 通报. `today` decides which pending limits are already missed."""
    start_year = default_start_year() if start_year is None else start_year
    today = today or dates.today()
    periods = periods_of(year, quarter, start_year)
    limits = _limit_days()
    result = QuarterlyFigures(
        year=year, quarter=quarter, start_year=start_year, as_of=today, county=current_region().county,
        review_limit_days=limits[REVIEW_LIMIT], approval_target_days=limits[APPROVAL_TARGET],
        periods=[PeriodFigures(p.key, p.label, p.start, p.end) for p in periods],
        quarters=[QuarterRow(n) for n in range(1, quarter + 1)],
    )
    widest = periods[2]
    _clues(result, widest)
    _cases(result, widest)
    _decisions(result, widest)
    _payments(result, widest)
    _units(result, today)
    _follow_ups(result, widest, today)
    _names(result)
    return result


def _each(result: QuarterlyFigures, d: date | None):
    """The period figures whose period holds day `d`."""
    for pf in result.periods:
        if pf.has(d):
            yield pf


def _quarter_row(result: QuarterlyFigures, d: date) -> QuarterRow | None:
    if d.year != result.year or not result.year_to_date.has(d):
        return None
    return result.quarters[(d.month - 1) // 3]


def _clues(result: QuarterlyFigures, widest: Period) -> None:
    rows = Clue.objects.filter(first_seen__gte=widest.begins_at(), first_seen__lt=widest.ends_before()) \
        .values_list("rule", "rule_name", "records", "state", "first_seen")
    for rule, rule_name, records, state, first_seen in rows:
        result.rule_names.setdefault(rule, rule_name or rule)
        sources = {r.get("source_type") for r in records or [] if isinstance(r, dict) and r.get("source_type")}
        sources = sources or {NO_SOURCE}  # a clue entered by hand, with no registry record behind it
        for pf in _each(result, local_date(first_seen)):
            pf.clues += 1
            pf.clues_accepted += state == ClueState.ACCEPTED
            pf.clues_referred += state == ClueState.REFERRED
            pf.clues_by_rule[rule] = pf.clues_by_rule.get(rule, 0) + 1
            # A clue drawn from several registries counts once under each of them.
            for source in sources:
                pf.clues_by_source[source] = pf.clues_by_source.get(source, 0) + 1


def _cases(result: QuarterlyFigures, widest: Period) -> None:
    rows = Case.objects.filter(accepted_on__range=(widest.start, widest.end)) \
        .values_list("id", "person_id_number", "person_key", "origin", "urgent", "tags", "accepted_on")
    persons: dict[str, set[str]] = defaultdict(set)
    tagged: dict[tuple[str, str], set[str]] = defaultdict(set)
    for case_id, id_number, person_key, origin, urgent, tags, accepted_on in rows:
        who = _person(id_number, person_key, case_id)
        if row := _quarter_row(result, accepted_on):
            row.cases_accepted += 1
        for pf in _each(result, accepted_on):
            pf.cases_accepted += 1
            pf.urgent_cases += bool(urgent)
            pf.cases_by_origin[origin] = pf.cases_by_origin.get(origin, 0) + 1
            persons[pf.key].add(who)
            for tag in tags or []:
                tagged[(pf.key, str(tag))].add(who)
    for pf in result.periods:
        pf.persons_accepted = len(persons[pf.key])
        by_tag = {tag: len(who) for (key, tag), who in tagged.items() if key == pf.key}
        pf.persons_by_tag = dict(sorted(by_tag.items(), key=lambda kv: (-kv[1], kv[0])))


def _decisions(result: QuarterlyFigures, widest: Period) -> None:
    decisions = list(Decision.objects.filter(decided_on__range=(widest.start, widest.end)).values_list(
        "case_id", "kind", "amount_fen", "refusal_reason", "decided_on", "case__accepted_on",
        "case__person_id_number", "case__person_key"))
    last_approval: dict[int, date] = {}
    for case_id, at in Approval.objects.filter(case_id__in=[d[0] for d in decisions], agreed=True) \
            .values_list("case_id", "at"):
        day = local_date(at)
        if case_id not in last_approval or day > last_approval[case_id]:
            last_approval[case_id] = day
    granted: dict[str, set[str]] = defaultdict(set)
    days: dict[str, list[int]] = defaultdict(list)
    for case_id, kind, amount_fen, reason, decided_on, accepted_on, id_number, person_key in decisions:
        taken = working_days_between(accepted_on, decided_on)
        approval_days = (working_days_between(accepted_on, last_approval[case_id])
                         if case_id in last_approval else None)
        if kind == Decision.Kind.GRANT and (row := _quarter_row(result, decided_on)):
            row.granted_cases += 1
            row.granted_fen += amount_fen
        for pf in _each(result, decided_on):
            if kind == Decision.Kind.GRANT:
                pf.granted_cases += 1
                pf.granted_fen += amount_fen
                granted[pf.key].add(_person(id_number, person_key, case_id))
            else:
                pf.refused_cases += 1
                reason = reason or "other"
                pf.refused_by_reason[reason] = pf.refused_by_reason.get(reason, 0) + 1
            days[pf.key].append(taken)
            pf.days.over_limit += taken > result.review_limit_days
            if approval_days is not None:
                pf.days.approvals_measured += 1
                pf.days.approvals_within_target += approval_days <= result.approval_target_days
    for pf in result.periods:
        pf.granted_persons = len(granted[pf.key])
        taken = days[pf.key]
        pf.days.decided = len(taken)
        if taken:
            median = statistics.median(taken)
            pf.days.median = float(median)
            pf.days.max = max(taken)


def _payments(result: QuarterlyFigures, widest: Period) -> None:
    rows = Payment.objects.filter(state=PaymentState.PAID, paid_on__range=(widest.start, widest.end)) \
        .values_list("amount_fen", "paid_on")
    for amount_fen, paid_on in rows:
        if row := _quarter_row(result, paid_on):
            row.paid_fen += amount_fen
        for pf in _each(result, paid_on):
            pf.paid_cases += 1
            pf.paid_fen += amount_fen


def _missed(due: date | None, done: date | None, today: date) -> bool:
    """A limit is missed when the step came after its last day, or has not come and the day is past."""
    if due is None:
        return False
    return done > due if done is not None else due < today


def _units(result: QuarterlyFigures, today: date) -> None:
    """Per unit, from the referrals app. A period not over yet is judged on `today`, not on its last day."""
    for pf in result.periods:
        if pf.start > today:
            continue
        pf.units = {row.unit_code: row for row in unit_figures(pf.start, min(pf.end, today))}
        for row in pf.units.values():
            result.unit_names.setdefault(row.unit_code, row.unit_name)


def _follow_ups(result: QuarterlyFigures, widest: Period, today: date) -> None:
    rows = FollowUp.objects.filter(Q(done_on__range=(widest.start, widest.end))
                                   | Q(due_on__range=(widest.start, widest.end))).values_list("done_on", "due_on")
    for done_on, due_on in rows:
        for pf in result.periods:
            pf.follow_ups_done += pf.has(done_on)
            pf.follow_ups_late += pf.has(due_on) and _missed(due_on, done_on, today)


def _names(result: QuarterlyFigures) -> None:
    """Chinese names for every code the tables show, in a fixed order."""
    result.rule_names = dict(sorted(result.rule_names.items()))
    seen_sources = {s for pf in result.periods for s in pf.clues_by_source}
    result.source_names = {code: spec.title for code, spec in SPECS.items() if code in seen_sources}
    result.source_names.update({s: s for s in sorted(seen_sources - set(SPECS) - {NO_SOURCE})})
    if NO_SOURCE in seen_sources:
        result.source_names[NO_SOURCE] = "无数据记录（人工录入等）"
    result.origin_names = dict(Origin.choices)
    result.reason_names = dict(RefusalReason.choices)
    order = list(Unit.objects.order_by("id").values_list("code", flat=True))
    result.unit_names = dict(sorted(result.unit_names.items(),
                                    key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
