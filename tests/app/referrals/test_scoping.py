"""三共享三互通 and no further: a unit sees the timeline of cases it takes part in, its own referrals and plan
items — and a 民政 liaison cannot open a 残联 referral or a case 民政 is not part of, by URL or by API (audited)."""

from __future__ import annotations

import pytest

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.referrals import access as referral_access
from jiuzhu.app.referrals.services import flow, plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world, alice):
    """The shared world (conftest), plus a plan item of case B routed to 残联."""
    world["item_b"] = plans.add_item(alice, world["b"], kind="rehabilitation")
    return world


def _denials(user) -> int:
    return AuditEvent.objects.filter(username=user.username, action="denied").count()


def test_scope_functions(world, frank, grace, alice):
    assert set(referral_access.referrals_for(frank)) == {world["to_mz"]}
    assert set(referral_access.referrals_for(grace)) == {world["to_cl_a"], world["to_cl_b"]}
    assert set(referral_access.referrals_for(alice)) == {world["to_mz"], world["to_cl_a"], world["to_cl_b"]}
    assert set(referral_access.cases_for(frank)) == {world["a"]}
    assert set(referral_access.cases_for(grace)) == {world["a"], world["b"]}
    assert list(referral_access.plan_items_for(frank)) == []
    assert list(referral_access.plan_items_for(grace)) == [world["item_b"]]


@pytest.mark.parametrize("suffix", ["", "letter.docx", "answer/"])
def test_liaison_cannot_open_another_units_referral_by_url(client, world, frank, suffix):
    client.force_login(frank)
    response = client.get(f"/referrals/{world['to_cl_a'].pk}/{suffix}")
    assert response.status_code == 403
    denied = AuditEvent.objects.get(username="frank", action="denied")
    assert (denied.object_type, denied.object_id) == ("referrals.referral", str(world["to_cl_a"].pk))


@pytest.mark.parametrize("step", ["sign", "start", "return"])
def test_liaison_cannot_act_on_another_units_referral(client, world, frank, step):
    client.force_login(frank)
    response = client.post(f"/referrals/{world['to_cl_a'].pk}/{step}/", {"reason": "x"})
    assert response.status_code == 403
    world["to_cl_a"].refresh_from_db()
    assert world["to_cl_a"].state == "sent"


def test_liaison_cannot_open_a_case_the_unit_is_not_part_of(client, world, frank):
    client.force_login(frank)
    assert client.get(f"/referrals/cases/{world['b'].pk}/").status_code == 403
    assert client.get(f"/api/cases/{world['b'].pk}/timeline").status_code == 403
    assert _denials(frank) == 2


def test_liaison_cannot_close_another_units_plan_item(client, world, frank):
    client.force_login(frank)
    assert client.get(f"/referrals/plan-items/{world['item_b'].pk}/close/").status_code == 403


def test_liaison_sees_the_whole_shared_timeline_of_its_case(client, world, frank, grace):
    """民政 reads 残联's progress on the case both take part in (三共享), though not 残联's referral page."""
    flow.sign(grace, world["to_cl_a"])
    client.force_login(frank)
    page = client.get(f"/referrals/cases/{world['a'].pk}/").content.decode()
    assert f"残联签收移送{world['to_cl_a'].number}，反馈期限" in page
    data = client.get(f"/api/cases/{world['a'].pk}/timeline").json()
    assert [e["kind"] for e in data["events"]] == ["referral_sent", "referral_sent", "referral_received"]
    assert set(data["units"]) == {"procuratorate", "civil_affairs", "disability_federation"}
    assert client.get(f"/referrals/{world['to_cl_a'].pk}/").status_code == 403


def test_missing_things_are_404(client, world, frank):
    client.force_login(frank)
    assert client.get("/referrals/999999/").status_code == 404
    assert client.get("/api/referrals/999999").status_code == 404
    assert client.get("/api/cases/999999/timeline").status_code == 404


def test_procuratorate_sees_only_the_cases_casework_lets_it_open(client, world, units, bob):
    """Another handler, not on the case nor in its team, sees neither its referrals nor its timeline; the
    department head sees all; the data administrator none."""
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile

    User = get_user_model()
    other = User.objects.create_user("other")
    Profile.objects.create(user=other, unit=units["procuratorate"], role="handler", display_name="另一检察官")
    admin = User.objects.create_user("dataadmin")
    Profile.objects.create(user=admin, unit=units["procuratorate"], role="data_admin", display_name="数据管理员")
    clue = flow.send(other, to_unit=units["civil_affairs"], kind="dibao", person_name="无案件", facts="线索")
    assert set(referral_access.referrals_for(other)) == {clue}
    assert set(referral_access.referrals_for(bob)) == {world["to_mz"], world["to_cl_a"], world["to_cl_b"], clue}
    assert list(referral_access.referrals_for(admin)) == []
    assert list(referral_access.plan_items_for(other)) == []
    client.force_login(other)
    assert client.get(f"/referrals/{world['to_mz'].pk}/").status_code == 403
    assert client.get(f"/referrals/cases/{world['a'].pk}/").status_code == 403
    assert client.get(f"/api/cases/{world['a'].pk}/timeline").status_code == 403
    assert _denials(other) == 3
