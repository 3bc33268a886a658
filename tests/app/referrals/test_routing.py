"""Plan items and referrals go to the unit whose 职责清单 lists the kind; the county changes it in the admin."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.app.casework.models import CaseUnit
from jiuzhu.app.config.models import ResponsibilityList
from jiuzhu.app.referrals.models import PlanItemState
from jiuzhu.app.referrals.services import plans
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.routing import unit_for
from tests.app.referrals.conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "unit"),
    [
        ("judicial_aid", "procuratorate"), ("dibao", "civil_affairs"), ("child_care", "civil_affairs"),
        ("disability_subsidy", "disability_federation"), ("counselling", "womens_federation"),
        ("school_transfer", "education"), ("two_free_one_subsidy", "education"), ("legal_aid", "justice_bureau"),
        ("public_welfare_job", "human_resources"), ("pairing", "rural_revitalization"),
    ],
)
def test_default_lists_route_the_kinds_of_section_4(units, kind, unit):
    assert unit_for(kind).code == unit


def test_moving_a_kind_in_the_list_reroutes_it(units):
    mz = ResponsibilityList.objects.get(unit=units["civil_affairs"])
    mz.kinds = [k for k in mz.kinds if k != "temp_relief"]
    mz.save()
    xc = ResponsibilityList.objects.get(unit=units["rural_revitalization"])
    xc.kinds = [*xc.kinds, "temp_relief"]
    xc.save()
    assert unit_for("temp_relief") == units["rural_revitalization"]


def test_kind_nobody_takes_is_refused_with_a_chinese_reason(units):
    ResponsibilityList.objects.filter(unit=units["justice_bureau"]).update(kinds=[])
    with pytest.raises(ReferralError, match="没有单位的职责清单包含“法律援助”"):
        unit_for("legal_aid")


def test_kind_in_two_lists_needs_a_choice(units):
    ResponsibilityList.objects.filter(unit=units["court"]).update(kinds=["legal_aid"])
    with pytest.raises(ReferralError, match="“法律援助”由司法局、法院承接，请选择承办单位"):
        unit_for("legal_aid")
    assert unit_for("legal_aid", units["court"]) == units["court"]
    with pytest.raises(ReferralError, match="教育局的职责清单不含“法律援助”，可选：司法局、法院"):
        unit_for("legal_aid", units["education"])


def test_county_adds_a_township_serving_public_welfare_jobs_with_hr(alice, units, make_case):
    """公益性岗位 by 人社局 and 均溪镇: the admin adds the township with its 职责清单; the procurator picks."""
    from jiuzhu.app.accounts.models import Unit, UnitKind
    from jiuzhu.app.referrals.services import plans

    town = Unit.objects.create(code="town_junxi", name="均溪镇人民政府", kind=UnitKind.TOWNSHIP)
    duties = ResponsibilityList.objects.get(unit=town)  # made with the unit
    duties.kinds = ["public_welfare_job"]
    duties.save()
    case = make_case()
    with pytest.raises(ReferralError, match="由人社局、均溪镇人民政府承接，请选择承办单位"):
        plans.add_item(alice, case, kind="public_welfare_job")
    item = plans.add_item(alice, case, kind="public_welfare_job", unit=town, refer=True)
    assert (item.unit, item.referral.to_unit) == (town, town)
    assert case.case_units.filter(unit=town).exists()


def test_inactive_list_takes_nothing(units):
    ResponsibilityList.objects.filter(unit=units["justice_bureau"]).update(active=False)
    with pytest.raises(ReferralError):
        unit_for("legal_aid")


def test_a_new_unit_gets_a_list(units):
    from jiuzhu.app.accounts.models import Unit

    unit = Unit.objects.create(code="health", name="卫健局")
    assert ResponsibilityList.objects.get(unit=unit).kinds == []


def test_rural_revitalization_list_uses_the_five_day_limit(units):
    assert (
        ResponsibilityList.objects.get(unit=units["rural_revitalization"]).answer_limit_code == "referral_answer_rural"
    )
    assert ResponsibilityList.objects.get(unit=units["civil_affairs"]).answer_limit_code == "referral_answer"


def test_plan_item_is_routed_with_default_due_date_and_unit_joins_case(alice, units, case):
    item = plans.add_item(alice, case, kind="school_transfer", description="转入县实验小学", now=at(2025, 9, 30))
    assert (item.unit, item.state, item.due_date) == (units["education"], PlanItemState.OPEN, date(2025, 10, 28))
    assert CaseUnit.objects.filter(case=case, unit=units["education"]).exists()
    assert item.referral is None


def test_plan_item_of_the_procuratorate_is_never_referred(alice, units, case):
    item = plans.add_item(alice, case, kind="judicial_aid", refer=True)
    assert (item.unit, item.referral) == (units["procuratorate"], None)


def test_only_the_procuratorate_plans(frank, case):
    with pytest.raises(ReferralError, match="只有检察院"):
        plans.add_item(frank, case, kind="dibao")


def test_open_items_block_closing_until_closed(alice, heidi, grace, case):
    item = plans.add_item(alice, case, kind="student_grant")
    assert list(case.plan_items.open()) == [item]
    with pytest.raises(ReferralError, match="只有承办单位"):
        plans.close_item(grace, item, state="done", result="x")
    plans.close_item(heidi, item, state="done", result="已发放助学金", amount_fen=150000)
    item.refresh_from_db()
    assert (item.state, item.amount_fen, case.plan_items.open().count()) == ("done", 150000, 0)
    with pytest.raises(ReferralError, match="已办结"):
        plans.close_item(heidi, item, state="done", result="again")


def test_unit_liaison_is_told_of_a_plan_item_not_referred(alice, heidi, case):
    from jiuzhu.app.accounts.models import Notification

    item = plans.add_item(alice, case, kind="student_grant", due_date=date(2025, 12, 1))
    [note] = Notification.objects.filter(recipient=heidi)
    assert (note.key, note.text, note.link) == (f"plan-item-new-{item.pk}",
                                                "新救助方案事项：田检救〔2025〕1号“助学金”，请于2025-12-01前落实",
                                                "/referrals/plan-items/")
