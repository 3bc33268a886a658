"""A partner unit's answer to its clue: who sees it, the four answers, the limit and overdue escalation."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model

from jiuzhu.app.accounts.models import AuditEvent, Notification, Profile
from jiuzhu.app.clues import access, services
from jiuzhu.app.clues.models import Clue, ClueState
from tests.fixtures.cases import SHANGHAI, make_clue

pytestmark = pytest.mark.django_db


@pytest.fixture
def rural(units):
    """乡村振兴局's liaison and leader (the personas have none)."""
    made = {}
    for name, role in (("ivan", "liaison"), ("judy", "unit_leader")):
        user = get_user_model().objects.create_user(name, password="x")
        Profile.objects.create(user=user, unit=units["rural_revitalization"], role=role, display_name=name)
        made[name] = user
    return made


@pytest.fixture
def civil_leader(units):
    user = get_user_model().objects.create_user("mallory", password="x")
    Profile.objects.create(user=user, unit=units["civil_affairs"], role="unit_leader", display_name="民政局长")
    return user


def _mz(**kw):
    return make_clue(rule="MZ-01", rule_name="疑似孤儿或事实无人抚养儿童", target_unit="civil_affairs",
                     person_name="卢小明", **kw)


def _fp(**kw):
    return make_clue(rule="FP-01", rule_name="因案返贫风险", target_unit="rural_revitalization",
                     second_unit="procuratorate", person_name="钱某", **kw)


def _visible_to(user) -> set[int]:
    return set(access.clues_for(user).values_list("pk", flat=True))


def test_each_clue_reaches_its_units_and_the_procuratorate_leaders(personas, rural, civil_leader):
    mz, fp, sj = _mz(), _fp(), make_clue(tags=[])
    assert _visible_to(personas["frank"]) == {mz.pk} == _visible_to(civil_leader)
    assert _visible_to(rural["ivan"]) == {fp.pk} == _visible_to(rural["judy"])
    for leader in ("bob", "carol", "dave"):
        assert _visible_to(personas[leader]) == {mz.pk, fp.pk, sj.pk}
    assert _visible_to(personas["alice"]) == {fp.pk, sj.pk}  # FP-01's second unit is the procuratorate
    for nobody in ("grace", "heidi", "erin"):
        assert _visible_to(personas[nobody]) == set()
    assert access.can_work_clue(personas["alice"], fp) and not access.can_work_clue(personas["bob"], mz)


def test_taken_up_closes_the_clue_and_is_audited(personas):
    clue = _mz()
    services.conclude_clue(clue, "taken_up", "已启动孤儿认定", personas["frank"])
    clue.refresh_from_db()
    assert (clue.state, clue.unit_outcome, clue.unit_note, clue.answered_unit, clue.answered_by) == (
        ClueState.ANSWERED, "taken_up", "已启动孤儿认定", "civil_affairs", personas["frank"])
    event = AuditEvent.objects.get(object_type="clues.clue", object_id=str(clue.pk), action="update",
                                   detail__via__isnull=True)  # not the change log's entry
    assert event.detail == {"step": "unit_answer", "outcome": "taken_up", "unit": "civil_affairs"}
    with pytest.raises(services.ClueError) as err:
        services.conclude_clue(clue, "not_eligible", "再答", personas["frank"])
    assert err.value.code == "answered"


def test_to_procuratorate_moves_the_clue_and_tells_the_leaders(personas):
    clue = _mz()
    services.conclude_clue(clue, "to_procuratorate", "父亲为刑事被害人，请检察院核查", personas["frank"])
    clue.refresh_from_db()
    assert (clue.target_unit, clue.state, clue.answer_due) == ("procuratorate", ClueState.NEW, None)
    assert clue.pk in _visible_to(personas["alice"]) and clue.pk in _visible_to(personas["frank"])
    assert access.can_work_clue(personas["alice"], clue)
    assert list(Notification.objects.filter(key=f"clue-to-procuratorate-{clue.pk}")
                .values_list("recipient__username", flat=True)) == ["bob"]


def test_second_unit_answer_leaves_the_procuratorates_verification_open(rural):
    clue = _fp()
    services.conclude_clue(clue, "already_covered", "", rural["judy"])
    clue.refresh_from_db()
    assert (clue.state, clue.unit_outcome) == (ClueState.NEW, "already_covered")


@pytest.mark.parametrize(("outcome", "note", "code"), [
    ("maybe", "x", "bad_outcome"), ("not_eligible", "  ", "note_required"), ("to_procuratorate", "", "note_required"),
])
def test_bad_answers_are_refused(personas, outcome, note, code):
    with pytest.raises(services.ClueError) as err:
        services.conclude_clue(_mz(), outcome, note, personas["frank"])
    assert err.value.code == code


def test_another_unit_cannot_answer_and_learns_nothing(personas, rural):
    clue = _mz()
    for user in (personas["grace"], rural["ivan"], personas["bob"]):
        with pytest.raises(services.ClueError) as err:
            services.conclude_clue(clue, "taken_up", "", user)
        assert err.value.code == "not_found"
    assert Clue.objects.get(pk=clue.pk).unit_outcome == ""


def test_token_call_answers_for_its_unit(units):
    clue = _mz()
    services.conclude_clue(clue, "not_eligible", "家庭收入超标", None, unit=units["civil_affairs"])
    assert Clue.objects.get(pk=clue.pk).answered_by is None


def test_answer_limit_counts_working_days_from_the_screening(units):
    due = services.answer_due_for()
    # 2025-09-26 (Fri) + 15 working days: 国庆 Oct 1–8 off, Sep 28 and Oct 11 are 调休 working days.
    assert due("civil_affairs", date(2025, 9, 26)) == date(2025, 10, 23)
    assert due("rural_revitalization", date(2025, 9, 26)) == date(2025, 10, 10)
    assert due("procuratorate", date(2025, 9, 26)) is None


def test_overdue_clue_tells_liaison_and_leader_once(personas, civil_leader):
    clue = _mz(answer_due=date(2025, 9, 10))
    answered = _mz(answer_due=date(2025, 9, 10), unit_outcome="taken_up", state=ClueState.ANSWERED)
    _mz(answer_due=date(2025, 9, 30))
    flags = services.check_clues_overdue(date(2025, 9, 11), now=datetime(2025, 9, 11, 8, tzinfo=SHANGHAI))
    assert [(f.clue_id, f.unit, f.due, f.notified) for f in flags] == [(clue.pk, "民政局", date(2025, 9, 10), 2)]
    assert sorted(Notification.objects.filter(key=f"clue-overdue-{clue.pk}")
                  .values_list("recipient__username", flat=True)) == ["frank", "mallory"]
    assert services.check_clues_overdue(date(2025, 9, 12)) == []
    assert not Notification.objects.filter(key=f"clue-overdue-{answered.pk}").exists()


def test_liaison_answers_on_the_page_and_sees_the_full_id(client, personas):
    clue = _mz()
    client.force_login(personas["frank"])
    page = client.get(f"/clues/{clue.pk}/").content.decode()
    assert "350425198001011234" in page and "本单位答复" in page and "被害人" in page
    assert AuditEvent.objects.filter(object_id=str(clue.pk), action="view", detail__full_id=True).exists()
    r = client.post(f"/clues/{clue.pk}/answer/", {"outcome": "taken_up", "note": ""})
    assert r.status_code == 302
    assert Clue.objects.get(pk=clue.pk).unit_outcome == "taken_up"
    client.force_login(personas["bob"])
    assert "民政局：纳入帮扶" in client.get(f"/clues/{clue.pk}/").content.decode()


def _finding(rule: str, target: str, also: list[str]):
    from jiuzhu.engine.api import ClueFinding

    return ClueFinding(key=f"{rule}|p1|r1", rule=rule, rule_name="因案返贫风险", rule_version=f"{rule}@1",
                       person_key="p1", person_name="钱某", person_id_number=None, priority=50, tags=["老年人"],
                       target_unit=target, suggested_help="", reason="理由", records=[],
                       facts={"also_units": also})


def test_screening_sets_second_unit_limit_and_keeps_a_moved_clue_moved(units, personas):
    from jiuzhu.app.clues.findings import store_result
    from jiuzhu.engine.api import ScreenResult

    def run():
        return store_result(ScreenResult(as_of=date(2025, 9, 26), engine="duckdb",
                                         clues=[_finding("MZ-02", "civil_affairs", [])],
                                         rule_versions={"MZ-02": "MZ-02@1"}, counts={"MZ-02": 1}),
                            started_at=datetime(2025, 9, 26, 9, tzinfo=SHANGHAI))

    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=datetime(2025, 9, 26, 9, tzinfo=SHANGHAI)):
        run()
    clue = Clue.objects.get()
    assert (clue.second_unit, clue.tag_text, clue.answer_due) == ("", "|老年人|", date(2025, 10, 23))
    services.conclude_clue(clue, "to_procuratorate", "请检察院核查", personas["frank"])
    run()
    clue.refresh_from_db()
    assert (clue.target_unit, clue.answered_unit, clue.state) == ("procuratorate", "civil_affairs", ClueState.NEW)
    store_result(ScreenResult(as_of=date(2025, 9, 26), engine="duckdb",
                              clues=[_finding("FP-01", "rural_revitalization", ["procuratorate"])],
                              rule_versions={"FP-01": "FP-01@1"}, counts={"FP-01": 1}))
    assert Clue.objects.get(rule="FP-01").second_unit == "procuratorate"
