"""The figures of the 通报 against the hand-built county of conftest.py: every number exact."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.app.referrals.services.figures import UnitFigures
from jiuzhu.app.reports.figures import DaysFigures, QuarterRow, compute
from tests.app.reports.conftest import START_YEAR, TODAY

pytestmark = pytest.mark.django_db


def test_periods(figures):
    assert [(p.key, p.label, p.start, p.end) for p in figures.periods] == [
        ("quarter", "本季度", date(2026, 7, 1), date(2026, 9, 30)),
        ("year", "今年以来", date(2026, 1, 1), date(2026, 9, 30)),
        ("since", "2024年以来", date(2024, 1, 1), date(2026, 9, 30)),
    ]
    assert (figures.county, figures.organisation) == ("大田县", "大田县人民检察院")
    assert (figures.review_limit_days, figures.approval_target_days) == (10, 7)


def test_clues_by_rule_and_source_across_midnight(figures):
    q, y, s = figures.periods
    assert (q.clues, q.clues_accepted, q.clues_referred) == (2, 1, 1)
    assert q.clues_by_rule == {"SJ-01": 1, "SJ-02": 1}
    assert q.clues_by_source == {"victim": 1, "enforcement": 1, "disability": 1}
    assert (y.clues, y.clues_by_rule) == (3, {"SJ-01": 1, "SJ-02": 2})
    assert y.clues_by_source == {"victim": 1, "enforcement": 1, "disability": 2, "dibao": 1}
    assert (s.clues, s.clues_by_rule) == (4, {"SJ-01": 2, "SJ-02": 2})
    assert s.clues_by_source == {"victim": 2, "enforcement": 1, "disability": 2, "dibao": 1}
    assert figures.rule_names == {"SJ-01": "被害人因案致贫", "SJ-02": "残疾人因案致困"}
    # in the order of sources.md, named as the intake specs name them
    assert list(figures.source_names.items()) == [
        ("victim", "刑事被害人"), ("enforcement", "终结本次执行程序案件"), ("dibao", "低保对象"),
        ("disability", "持证残疾人")]


def test_cases_accepted_persons_and_tags(figures):
    q, y, s = figures.periods
    assert (q.cases_accepted, q.persons_accepted, q.urgent_cases) == (3, 3, 1)
    assert q.cases_by_origin == {"screening": 1, "application": 1, "hand_clue": 1}
    assert q.persons_by_tag == {"残疾人": 2, "未成年人": 1}
    # K3 is person A again: five cases, four persons
    assert (y.cases_accepted, y.persons_accepted) == (5, 4)
    assert y.cases_by_origin == {"screening": 3, "application": 1, "hand_clue": 1}
    assert y.persons_by_tag == {"残疾人": 2, "未成年人": 1, "退役军人": 1}
    assert (s.cases_accepted, s.persons_accepted) == (6, 5)
    assert s.cases_by_origin["screening"] == 4
    assert s.persons_by_tag == {"残疾人": 2, "未成年人": 1, "退役军人": 1}


def test_decisions_money_and_refusals(figures):
    q, y, s = figures.periods
    assert (q.granted_cases, q.granted_persons, q.granted_fen) == (1, 1, 3_000_000)
    assert (q.refused_cases, q.refused_by_reason) == (2, {"not_case_caused": 1, "major_fault": 1})
    assert (y.granted_cases, y.granted_persons, y.granted_fen) == (2, 2, 4_000_000)
    assert y.refused_cases == 2
    assert (s.granted_cases, s.granted_persons, s.granted_fen) == (3, 3, 6_000_000)


def test_payments_count_by_the_day_paid(figures):
    q, y, s = figures.periods
    assert (q.paid_cases, q.paid_fen) == (1, 3_000_000)
    assert (y.paid_cases, y.paid_fen) == (2, 4_000_000)
    # K6 was decided in 2023 but paid on 2024-01-05; K2's money has only arrived
    assert (s.paid_cases, s.paid_fen) == (4, 6_500_000)


def test_quarters_of_the_year(figures):
    assert figures.quarters == [
        QuarterRow(1, cases_accepted=1, granted_cases=1, granted_fen=1_000_000, paid_fen=0),
        QuarterRow(2, cases_accepted=1, granted_cases=0, granted_fen=0, paid_fen=1_000_000),
        QuarterRow(3, cases_accepted=3, granted_cases=1, granted_fen=3_000_000, paid_fen=3_000_000),
    ]


def test_working_days_from_acceptance_to_decision(figures):
    q, y, s = figures.periods
    # K1 7, K3 3, K7 19 working days; approvals K1 6, K3 2, K7 18
    assert q.days == DaysFigures(decided=3, median=7.0, max=19, over_limit=1, approvals_measured=3,
                                 approvals_within_target=2)
    # + K4 14 (approved after 13)
    assert y.days == DaysFigures(decided=4, median=10.5, max=19, over_limit=2, approvals_measured=4,
                                 approvals_within_target=2)
    # + K5 8, no approval recorded
    assert s.days == DaysFigures(decided=5, median=8.0, max=19, over_limit=2, approvals_measured=4,
                                 approvals_within_target=2)


def test_units_as_the_referrals_app_counts_them(figures):
    q, y, s = figures.periods
    # received, answered, returned, overdue (of those received in the period), plan items done, open
    assert q.units == {
        "civil_affairs": UnitFigures("civil_affairs", "民政局", 1, 2, 0, 0, 1, 1),
        "disability_federation": UnitFigures("disability_federation", "残联", 2, 0, 0, 1, 0, 0),
        "human_resources": UnitFigures("human_resources", "人社局", 0, 0, 0, 0, 0, 0),
        "education": UnitFigures("education", "教育局", 1, 0, 1, 0, 0, 0),
        "womens_federation": UnitFigures("womens_federation", "妇联", 0, 0, 0, 0, 1, 0),
    }
    # R2 was sent on 30 June (Shanghai) and signed late: it counts in the year, not the quarter
    assert y.units["civil_affairs"] == UnitFigures("civil_affairs", "民政局", 2, 2, 0, 1, 1, 1)
    assert s.units["civil_affairs"] == UnitFigures("civil_affairs", "民政局", 3, 3, 0, 2, 1, 1)
    assert s.units["human_resources"].plan_items_done == 1


def test_overdue_is_judged_on_the_given_day(county):
    # On 2026-09-23 itself R3's answer is not yet late, and F4 (due 09-30) is not late either.
    early = compute(2026, 3, start_year=START_YEAR, today=date(2026, 9, 23))
    assert early.this_quarter.units["disability_federation"].referrals_overdue == 0
    assert early.this_quarter.follow_ups_late == 0
    later = compute(2026, 3, start_year=START_YEAR, today=date(2026, 9, 24))
    assert later.this_quarter.units["disability_federation"].referrals_overdue == 1


def test_follow_ups(figures):
    q, y, s = figures.periods
    assert (q.follow_ups_done, q.follow_ups_late) == (2, 1)
    assert (y.follow_ups_done, y.follow_ups_late) == (2, 2)
    assert (s.follow_ups_done, s.follow_ups_late) == (2, 3)


def test_unit_names_in_unit_order(figures):
    assert list(figures.unit_names.items()) == [
        ("civil_affairs", "民政局"), ("disability_federation", "残联"), ("human_resources", "人社局"),
        ("education", "教育局"), ("womens_federation", "妇联")]


def test_as_dict_is_plain(figures):
    data = figures.as_dict()
    assert data["periods"][0]["granted_fen"] == 3_000_000
    assert data["periods"][2]["units"]["civil_affairs"] == {
        "unit_code": "civil_affairs", "unit_name": "民政局", "referrals_received": 3, "referrals_answered": 3,
        "referrals_returned": 0, "referrals_overdue": 2, "plan_items_done": 1, "plan_items_open": 1}
    assert data["as_of"] == TODAY


def test_start_year_defaults_to_2022_and_reads_the_environment(county, monkeypatch):
    monkeypatch.delenv("JIUZHU_REPORT_START_YEAR", raising=False)
    assert compute(2026, 3, today=TODAY).since_start.label == "2022年以来"
    monkeypatch.setenv("JIUZHU_REPORT_START_YEAR", "2025")
    fig = compute(2026, 3, today=TODAY)
    assert (fig.since_start.label, fig.since_start.paid_fen) == ("2025年以来", 6_000_000)


def test_empty_database_gives_zeros(db):
    fig = compute(2026, 3, start_year=2022, today=TODAY)
    q = fig.this_quarter
    assert (q.clues, q.cases_accepted, q.granted_fen, q.paid_fen, q.units) == (0, 0, 0, 0, {})
    assert q.days == DaysFigures()


def test_start_year_after_the_report_year_is_refused(db):
    with pytest.raises(ValueError, match="起始年度"):
        compute(2026, 3, start_year=2027, today=TODAY)


def test_clue_without_records_counts_under_no_source(db):
    from tests.app.reports.conftest import at, make_clue

    clue = make_clue(1, "SJ-01", (), at(2026, 8, 1))
    assert clue.records == []
    fig = compute(2026, 3, start_year=2022, today=TODAY)
    assert fig.this_quarter.clues_by_source == {"none": 1}
    assert fig.source_names == {"none": "无数据记录（人工录入等）"}
