"""A hand-built county for the 季度通报 of 2026 Q3, counted from 2024, judged on 2026-10-15.

Facts sit on both sides of every boundary (Asia/Shanghai midnight of 1 July and 1 October, 1 January,
the start year), so each expected number in the tests can be checked by hand against this file:

person A  K1 (Q3 grant 3万, paid Q3) and K3 (accepted Q2, refused Q3)   person B  K2 (accepted Q3, decided Q4)
person C  K4 (Q1 grant 1万, paid Q2, 14 working days)                     person D  K5 (2025 grant 2万)
person E  K7 (accepted Q3, refused Q3 after 19 working days)             K6  2023 case, paid 2024-01-05
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 10, 15)
START_YEAR = 2024
IDS = {"A": "350425198001011234", "B": "350425201503150018", "C": "350425197005050512",
       "D": "350425196609090033", "E": "350425199912120044"}


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def make_clue(n: int, rule: str, sources: tuple[str, ...], first_seen: datetime, state: str = "new"):
    from jiuzhu.app.clues.models import Clue

    names = {"SJ-01": "被害人因案致贫", "SJ-02": "残疾人因案致困"}
    return Clue.objects.create(
        key=f"{rule}:p{n:016x}:r{n}", rule=rule, rule_name=names[rule], rule_version=f"{rule}@1",
        person_key=f"p{n:016x}", person_name=f"线索人{n}", reason="测试", state=state,
        records=[{"record_id": f"b{n}:S:{i}", "source_type": s, "file": f"{s}.xlsx", "sheet": "S", "row": i}
                 for i, s in enumerate(sources, start=2)],
        target_unit="procuratorate", as_of=first_seen.date(), first_seen=first_seen, last_seen=first_seen)


@pytest.fixture
def county(personas, units):
    """Build the scenario; returns the cases by name."""
    from jiuzhu.app.casework.models import Approval, Case, Decision, FollowUp, Payment
    from jiuzhu.app.referrals.models import PlanItem, Referral

    alice, bob, erin = personas["alice"], personas["bob"], personas["erin"]

    make_clue(1, "SJ-01", ("victim", "enforcement"), at(2026, 9, 30, 23, 30), "accepted")  # Q3, last minutes
    make_clue(2, "SJ-01", ("victim",), at(2026, 10, 1, 0, 30))  # Q4: 2026-09-30 16:30 UTC
    make_clue(3, "SJ-02", ("disability",), at(2026, 7, 1, 0, 10), "referred")  # Q3: 2026-06-30 16:10 UTC
    make_clue(4, "SJ-02", ("disability", "dibao"), at(2026, 6, 30, 23, 50))  # Q2
    make_clue(5, "SJ-01", ("victim",), at(2025, 5, 1))
    make_clue(6, "SJ-01", ("victim",), at(2023, 12, 31, 23))  # before the start year

    cases = {}

    def case(name, person, accepted_on, *, tags=(), origin="screening", urgent=False):
        c = Case.objects.create(
            number=f"田检救〔{accepted_on.year}〕{len(cases) + 1}号", unit=units["procuratorate"], handler=alice,
            person_name=f"救助对象{person}", person_id_number=IDS[person], person_key="", category="other",
            origin=origin, urgent=urgent, tags=list(tags), accepted_on=accepted_on, review_due=accepted_on)
        cases[name] = c
        return c

    def decide(c, kind, on, *, fen=0, reason=""):
        Decision.objects.create(case=c, kind=kind, amount_fen=fen, refusal_reason=reason,
                                document_number=f"文书{c.pk}", decided_on=on, decided_by=alice)

    def approve(c, moment):
        Approval.objects.create(case=c, level=1, level_name="部门负责人审核", role="dept_head", approver=bob,
                                agreed=True, opinion="同意", at=moment)

    def pay(c, fen, paid_on, state="paid"):
        Payment.objects.create(case=c, amount_fen=fen, state=state, requested_on=paid_on, requested_by=erin,
                               paid_on=paid_on if state == "paid" else None,
                               receipt_no="NO.1" if state == "paid" else "")

    k1 = case("K1", "A", date(2026, 7, 6), tags=["残疾人"])
    approve(k1, at(2026, 7, 14))
    decide(k1, "grant", date(2026, 7, 15), fen=3_000_000)
    pay(k1, 3_000_000, date(2026, 7, 20))

    k2 = case("K2", "B", date(2026, 9, 21), tags=["未成年人", "残疾人"], origin="application", urgent=True)
    decide(k2, "grant", date(2026, 10, 9), fen=3_500_000)
    pay(k2, 3_500_000, date(2026, 10, 12), state="received")

    k3 = case("K3", "A", date(2026, 6, 29), tags=["残疾人"])
    approve(k3, at(2026, 7, 1, 23, 30))  # 15:30 UTC: still 1 July in 大田
    decide(k3, "refuse", date(2026, 7, 2), reason="not_case_caused")

    k4 = case("K4", "C", date(2026, 3, 2), tags=["退役军人"])
    approve(k4, at(2026, 3, 19))
    decide(k4, "grant", date(2026, 3, 20), fen=1_000_000)
    pay(k4, 1_000_000, date(2026, 4, 10))

    k5 = case("K5", "D", date(2025, 5, 12))
    decide(k5, "grant", date(2025, 5, 22), fen=2_000_000)
    pay(k5, 2_000_000, date(2025, 6, 3))

    k6 = case("K6", "D", date(2023, 11, 1))
    decide(k6, "grant", date(2023, 11, 20), fen=500_000)
    pay(k6, 500_000, date(2024, 1, 5))

    k7 = case("K7", "E", date(2026, 7, 20), origin="hand_clue")
    approve(k7, at(2026, 8, 13))
    decide(k7, "refuse", date(2026, 8, 14), reason="major_fault")

    def visit(c, due_on, done_on=None):
        FollowUp.objects.create(case=c, planned_on=due_on, due_on=due_on, done_on=done_on)

    visit(k1, date(2026, 8, 20), date(2026, 8, 18))
    visit(k4, date(2026, 5, 10), date(2026, 7, 3))  # done in Q3, late in Q2
    visit(k5, date(2025, 7, 3))  # never done
    visit(k1, date(2026, 9, 30))  # not done by the last day of Q3
    visit(k2, date(2026, 12, 1))

    def referral(n, to, sent_at, receipt_due, *, received=None, answer_due=None, answered=None, returned=None,
                 state="sent"):
        Referral.objects.create(
            number=f"移〔{n}〕", from_unit=units["procuratorate"], to_unit=units[to], kind="dibao",
            person_name="某某", facts="测试", sender=alice, state=state, sent_at=sent_at, receipt_due=receipt_due,
            received_at=received, answer_due=answer_due, answered_at=answered, returned_at=returned)

    referral(1, "civil_affairs", at(2026, 7, 1, 0, 30), date(2026, 7, 6), received=at(2026, 7, 2),
             answer_due=date(2026, 7, 23), answered=at(2026, 7, 20), state="answered")
    referral(2, "civil_affairs", at(2026, 6, 30, 23, 30), date(2026, 7, 3), received=at(2026, 7, 6),
             answer_due=date(2026, 7, 27), answered=at(2026, 7, 27, 17), state="answered")  # signed late
    referral(3, "disability_federation", at(2026, 9, 1), date(2026, 9, 4), received=at(2026, 9, 2),
             answer_due=date(2026, 9, 23), state="in_progress")  # answer still owed
    referral(4, "disability_federation", at(2026, 9, 28), date(2026, 10, 9))  # due in Q4: not late by 30 Sep
    referral(5, "education", at(2026, 8, 3), date(2026, 8, 6), returned=at(2026, 8, 5), state="returned")
    referral(6, "civil_affairs", at(2025, 3, 3), date(2025, 3, 5), received=at(2025, 3, 7),
             answer_due=date(2025, 3, 24), answered=at(2025, 4, 1), state="answered")  # late twice, one referral

    def item(c, unit, kind, created, *, state="open", closed=None):
        i = PlanItem.objects.create(case=c, kind=kind, unit=units[unit], due_date=created.date(), state=state,
                                    closed_at=closed)
        PlanItem.objects.filter(pk=i.pk).update(created_at=created)  # auto_now_add ignores a given value

    item(k1, "civil_affairs", "dibao", at(2026, 7, 10), state="done", closed=at(2026, 8, 1))
    item(k1, "womens_federation", "counselling", at(2026, 6, 30, 23), state="done", closed=at(2026, 7, 1, 1))
    item(k1, "education", "fee_waiver", at(2026, 9, 10), state="not_possible", closed=at(2026, 9, 20))
    item(k2, "civil_affairs", "temp_relief", at(2026, 9, 25))
    item(k5, "human_resources", "skills_training", at(2025, 6, 1), state="done", closed=at(2025, 7, 1))
    return cases


@pytest.fixture
def figures(county):
    from jiuzhu.app.reports.figures import compute

    return compute(2026, 3, start_year=START_YEAR, today=TODAY)
