"""Partners act only for their own unit (issue 13), written as the attacks: a liaison widening a case
by referring it to a third unit, finance or another unit closing a plan item, the handler closing one
without saying why."""

from __future__ import annotations

import pytest

from jiuzhu.app.casework.models import CaseUnit
from jiuzhu.app.referrals import access as referral_access
from jiuzhu.app.referrals.models import PlanItem, Referral
from jiuzhu.app.referrals.services import flow, plans
from jiuzhu.app.referrals.services.errors import ReferralError

pytestmark = pytest.mark.django_db


def test_liaison_cannot_bring_another_unit_into_a_case(client, frank, grace, world, units):
    """民政 takes part in case B? No — in case A. Its liaison tries to send case A to 教育 with ?case=."""
    case = world["a"]
    client.force_login(frank)
    page = client.post(f"/referrals/new/?case={case.pk}", {
        "to_unit": units["education"].pk, "kind": "student_grant", "person_name": "卢某某",
        "facts": "孩子需要助学金", "request": "请纳入"}, follow=True).content.decode()
    assert "发送" in page  # the form again: 教育局 is not a choice for a partner unit
    assert not CaseUnit.objects.filter(case=case, unit=units["education"]).exists()
    assert not Referral.objects.filter(to_unit=units["education"]).exists()
    with pytest.raises(ReferralError, match="只能向检察院"):
        flow.send(frank, to_unit=units["education"], kind="student_grant", person_name="卢某某", facts="x",
                  case=case)


def test_liaison_referral_to_the_procuratorate_does_not_widen_the_case(frank, world, units):
    case_b = world["b"]  # 民政 is not part of case B: sending with it must not make 民政 … or anyone a participant
    before = set(case_b.case_units.values_list("unit__code", flat=True))
    flow.send(frank, to_unit=units["procuratorate"], kind="judicial_aid", person_name="郑某某", facts="线索",
              case=case_b)
    assert set(case_b.case_units.values_list("unit__code", flat=True)) == before
    assert case_b not in referral_access.cases_for(frank)


def test_liaison_cannot_even_open_the_form_for_a_case_it_is_not_part_of(client, frank, world):
    client.force_login(frank)
    assert client.get(f"/referrals/new/?case={world['b'].pk}").status_code == 403


@pytest.fixture
def item(alice, world):
    return plans.add_item(alice, world["a"], kind="dibao")  # routed to 民政


def _finance(units):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile

    user = get_user_model().objects.create_user("jicai")
    Profile.objects.create(user=user, unit=units["procuratorate"], role="finance", display_name="计财")
    return user


def test_finance_cannot_close_another_units_plan_item(client, item, units):
    erin = _finance(units)
    with pytest.raises(ReferralError, match="只有承办单位"):
        plans.close_item(erin, item, state="done", result="已纳入")
    client.force_login(erin)
    assert (
        client.post(f"/referrals/plan-items/{item.pk}/close/", {"state": "done", "result": "已纳入"}).status_code == 403
    )
    item.refresh_from_db()
    assert item.is_open


def test_another_unit_cannot_close_it_either(client, grace, item):
    with pytest.raises(ReferralError, match="只有承办单位"):
        plans.close_item(grace, item, state="done", result="x")
    client.force_login(grace)
    assert client.post(f"/referrals/plan-items/{item.pk}/close/", {"state": "done", "result": "x"}).status_code == 403


def test_the_handler_closes_for_a_silent_unit_only_with_a_reason(client, alice, bob, frank, item):
    with pytest.raises(ReferralError, match="须写明原因"):
        plans.close_item(alice, item, state="not_possible", result="无法落实")
    with pytest.raises(ReferralError, match="只有承办单位"):  # a leader is not the case's handler
        plans.close_item(bob, item, state="done", result="x", reason="单位未反馈")
    client.force_login(alice)
    response = client.post(f"/referrals/plan-items/{item.pk}/close/", {
        "state": "not_possible", "result": "无法落实", "reason": "民政局逾期20个工作日未反馈"})
    assert response.status_code == 302
    item = PlanItem.objects.get(pk=item.pk)
    assert (item.state, item.result) == ("not_possible", "无法落实（承办检察官代为办结：民政局逾期20个工作日未反馈）")


def test_the_unit_closes_its_own_item_without_a_reason(frank, item):
    plans.close_item(frank, item, state="done", result="已纳入低保", amount_fen=189_100)
    item.refresh_from_db()
    assert (item.state, item.result) == ("done", "已纳入低保")


def test_the_partners_referral_form_offers_the_procuratorate_only_and_no_full_id(client, frank, world, units):
    case = world["a"]
    client.force_login(frank)
    page = client.get(f"/referrals/new/?case={case.pk}").content.decode()
    assert case.person_id_number not in page
    assert units["education"].name not in page and "检察院" in page
