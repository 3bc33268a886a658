"""受理 and 核查: cases from a clue, an application or a hand-entered clue; special-team routing."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.casework.models import Case, CaseState, CaseUnit, Outcome, Task, TaskKind
from jiuzhu.app.casework.services import verification
from jiuzhu.app.casework.services.acceptance import accept_case
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.clues.models import ClueState
from tests.fixtures.cases import ACCEPTED_ON, make_clue

pytestmark = pytest.mark.django_db


def test_case_from_clue_opens_with_number_limit_team_and_partner_units(new_case, clue):
    case = new_case
    assert case.number == "大田检救〔2025〕1号"
    assert case.state == CaseState.REVIEWING
    # 10 working days from Fri 26 Sep 2025 across 国庆: Sun 28 Sep and Sat 11 Oct are worked
    assert case.review_due == date(2025, 10, 16)
    assert case.team.tag == "未成年人"
    assert {(cu.unit.code, cu.how) for cu in CaseUnit.objects.filter(case=case)} == {
        ("procuratorate", "lead"), ("education", "team"), ("womens_federation", "team")}
    clue.refresh_from_db()
    assert clue.state == ClueState.ACCEPTED
    assert clue.verification.outcome == Outcome.ACCEPT
    assert case.person_id_number == clue.person_id_number
    task = Task.objects.get(case=case, kind=TaskKind.REVIEW)
    assert (task.assignee.username, task.due_on, task.done_on) == ("alice", date(2025, 10, 16), None)
    assert [e.kind for e in case.timeline.all()] == ["accepted", "units_joined"]
    assert AuditEvent.objects.filter(object_type="casework.case", object_id=str(case.pk), action="create").exists()


def test_second_case_number_and_application_origin(people, new_case):
    other = accept_case(by=people["alice"], handler=people["alice"], person_name="林大山", category="civil_tort",
                        origin="application", on=ACCEPTED_ON, tags=["退役军人"])
    assert other.number == "大田检救〔2025〕2号"
    assert other.origin == "application" and other.clue is None
    assert other.team.code == "veterans"
    assert set(other.units.values_list("code", flat=True)) == {"procuratorate", "veterans_affairs"}


def test_hand_entered_clue_without_tags_has_no_team(people):
    case = accept_case(by=people["alice"], handler=people["alice"], person_name="王五", category="other",
                       origin="hand_clue", on=ACCEPTED_ON)
    assert case.team is None
    assert list(case.units.values_list("code", flat=True)) == ["procuratorate"]


def test_category_must_be_one_of_the_seven(people):
    with pytest.raises(CaseworkError, match="细则第七条"):
        accept_case(by=people["alice"], handler=people["alice"], person_name="王五", category="eighth",
                    on=ACCEPTED_ON)
    assert len(Case._meta.get_field("category").choices) == 7


def test_partner_unit_user_cannot_be_the_handler(people):
    with pytest.raises(CaseworkError, match="检察院"):
        accept_case(by=people["alice"], handler=people["frank"], person_name="王五", category="other",
                    on=ACCEPTED_ON)


def test_assign_sets_five_working_day_limit_across_national_day(people):
    clue = make_clue()
    v = verification.assign(clue, people["alice"], by=people["bob"], on=date(2025, 9, 30))
    # Tue 30 Sep: Oct 1–8 off, then Thu 9, Fri 10, Sat 11 (调休), Mon 13, Tue 14
    assert v.due_on == date(2025, 10, 14)
    clue.refresh_from_db()
    assert clue.state == ClueState.ASSIGNED
    assert Task.objects.get(clue=clue, kind=TaskKind.VERIFY, done_on=None).due_on == date(2025, 10, 14)


def test_reassignment_replaces_the_open_verify_task(people):
    clue = make_clue()
    verification.assign(clue, people["alice"], by=people["bob"], on=date(2025, 9, 1))
    verification.assign(clue, people["bob"], by=people["bob"], on=date(2025, 9, 2))
    open_tasks = Task.objects.filter(clue=clue, kind=TaskKind.VERIFY, done_on=None)
    assert [t.assignee.username for t in open_tasks] == ["bob"]


@pytest.mark.parametrize(("outcome", "state"), [("exclude", ClueState.EXCLUDED), ("refer", ClueState.REFERRED)])
def test_exclude_or_refer_needs_a_reason(people, units, outcome, state):
    clue = make_clue()
    verification.assign(clue, people["alice"], by=people["bob"], on=date(2025, 9, 1))
    refer_to = units["civil_affairs"] if outcome == "refer" else None
    with pytest.raises(CaseworkError, match="理由"):
        verification.conclude(clue, outcome, by=people["alice"], reason=" ", refer_to=refer_to)
    v = verification.conclude(clue, outcome, by=people["alice"], reason="已纳入低保，无需司法救助",
                              refer_to=refer_to, on=date(2025, 9, 3))
    clue.refresh_from_db()
    assert (clue.state, v.decided_on, v.reason) == (state, date(2025, 9, 3), "已纳入低保，无需司法救助")
    assert not Task.objects.filter(clue=clue, done_on=None).exists()
    with pytest.raises(CaseworkError, match="已有核查结论"):
        verification.conclude(clue, "exclude", by=people["alice"], reason="x")


def test_refer_needs_a_unit(people):
    clue = make_clue()
    verification.assign(clue, people["alice"], by=people["bob"], on=date(2025, 9, 1))
    with pytest.raises(CaseworkError, match="接收单位"):
        verification.conclude(clue, "refer", by=people["alice"], reason="民政职责")


def test_a_clue_becomes_one_case_only(people, new_case, clue):
    with pytest.raises(CaseworkError):
        accept_case(by=people["alice"], handler=people["alice"], person_name="郑小梅", category="other",
                    clue=clue, on=ACCEPTED_ON)
    assert Case.objects.count() == 1
