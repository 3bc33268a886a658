"""Follow-up by all: a partner unit records a visit on its case; a need found there is a proposal the
handler routes by the 职责清单 (the unit joins only then) or declines with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from jiuzhu.app.accounts.models import Notification
from jiuzhu.app.casework.models import CaseUnit, FollowUp, NeedState, TimelineEvent
from jiuzhu.app.casework.services import followup
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.referrals.models import PlanItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_case(case_at, units):
    case = case_at("paid")
    CaseUnit.objects.get_or_create(case=case, unit=units["civil_affairs"], defaults={"how": "referral"})
    return case


def test_partner_records_a_visit_and_proposes_a_need(client, paid_case, people, units):
    frank = people["frank"]
    client.force_login(frank)
    page = client.get(reverse("casework:case_detail", args=[paid_case.pk])).content.decode()
    assert "本单位回访" in page
    response = client.post(reverse("casework:partner_visit", args=[paid_case.pk]), {
        "done_on": "2025-10-20", "visitors": "方联络员", "situation": "孩子上学需要交通补助",
        "further_needs": "申请助学金", "need_kind": "student_grant"}, follow=True)
    assert "回访已记录，需求已提交检察院" in response.content.decode()
    visit = FollowUp.objects.get(recorded_by=frank)
    assert (visit.done_on, visit.need_state, visit.need_kind) == (date(2025, 10, 20), NeedState.PROPOSED,
                                                                  "student_grant")
    assert list(visit.units.all()) == [units["civil_affairs"]]
    assert TimelineEvent.objects.filter(case=paid_case, kind="follow_up", text__startswith="民政局回访").exists()
    note = Notification.objects.get(recipient=people["alice"], key=f"visit-need-{visit.pk}")
    assert note.text == f"案件{paid_case.number}回访提出新的需求，请确认是否纳入救助方案"
    # proposing brings no unit into the case: 教育局 is not a participant until the handler routes it
    assert not PlanItem.objects.exists()


def test_handler_routes_the_need_by_the_duty_list(client, paid_case, people, units):
    visit = followup.record_partner_visit(paid_case, by=people["frank"], visitors="方联络员", situation="稳定",
                                          further_needs="申请助学金", need_kind="student_grant")
    client.force_login(people["alice"])
    page = client.get(reverse("casework:case_detail", args=[paid_case.pk])).content.decode()
    assert "回访提出的需求（待确认）" in page and "（建议：助学金）" in page
    client.post(reverse("casework:route_need", args=[paid_case.pk, visit.pk]), {"kind": "student_grant"})
    visit.refresh_from_db()
    item = visit.need_plan_item
    assert (visit.need_state, item.kind, item.unit.code) == (NeedState.ROUTED, "student_grant", "education")
    assert item.description == "申请助学金"


def test_a_partner_cannot_route_and_a_stranger_cannot_visit(paid_case, people):
    visit = followup.record_partner_visit(paid_case, by=people["frank"], visitors="方", situation="稳定",
                                          further_needs="低保复核")
    with pytest.raises(CaseworkError, match="只有检察院的检察官和负责人可以制定救助方案"):
        followup.route_need(visit, by=people["frank"], kind="dibao")
    with pytest.raises(CaseworkError, match="只有参与本案的协作单位可以在此记录回访"):
        followup.record_partner_visit(paid_case, by=people["grace"], visitors="葛", situation="稳定")


def test_handler_declines_with_a_reason(paid_case, people):
    visit = followup.record_partner_visit(paid_case, by=people["frank"], visitors="方", situation="稳定",
                                          further_needs="想要一套房子")
    with pytest.raises(CaseworkError, match="须写明理由"):
        followup.decline_need(visit, by=people["alice"], reason=" ")
    followup.decline_need(visit, by=people["alice"], reason="不属于救助范围")
    visit.refresh_from_db()
    assert (visit.need_state, visit.need_note) == (NeedState.DECLINED, "不属于救助范围")
    with pytest.raises(CaseworkError, match="该需求已处理"):
        followup.route_need(visit, by=people["alice"], kind="dibao")


def test_handlers_own_visit_need_is_a_proposal_too(case_at, people):
    case = case_at("paid")
    visit = followup.record_visit(case.follow_ups.get(), by=people["alice"], visitors="艾", situation="稳定",
                                  further_needs="心理疏导", need_kind="counselling", on=date(2025, 10, 30))
    assert visit.need_state == NeedState.PROPOSED
    assert not Notification.objects.filter(key=f"visit-need-{visit.pk}").exists()  # she is the handler


def test_an_unanswered_proposal_blocks_closing(case_at, people):
    from jiuzhu.app.casework.services import closing

    case = case_at("paid")
    visit = followup.record_visit(case.follow_ups.get(), by=people["alice"], visitors="艾", situation="稳定",
                                  further_needs="心理疏导", on=date(2025, 10, 30))
    assert closing.blockers(case) == ["回访提出的需求尚有1项未确认是否纳入救助方案"]
    followup.decline_need(visit, by=people["alice"], reason="已由学校安排")
    assert closing.blockers(case) == []
