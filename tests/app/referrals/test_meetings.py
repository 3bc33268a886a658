"""定期会商: recorded outside cases by the procuratorate, each decision tracked with its unit and due date."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from jiuzhu.app.accounts.models import Notification
from jiuzhu.app.casework.deadlines import other_deadlines
from jiuzhu.app.referrals.models import DecisionState, MeetingDecision, RegularMeeting
from jiuzhu.app.referrals.services import meetings
from jiuzhu.app.referrals.services.errors import ReferralError

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(alice, units, case):
    return meetings.record_meeting(
        alice,
        held_on=date(2025, 10, 9),
        topics="三季度未成年人救助衔接",
        units=[units["civil_affairs"]],
        cases=[case],
        minutes="各单位通报进展",
        decisions=[
            meetings.DecisionIn("为卢某某子女办理事实无人抚养儿童认定", units["civil_affairs"], date(2025, 10, 31)),
            meetings.DecisionIn("安排转学", units["education"], date(2025, 11, 14)),
        ],
    )


def test_recorded_with_units_cases_and_tracked_decisions(meeting, units, case, frank):
    assert set(meeting.units.values_list("code", flat=True)) == {"civil_affairs", "education"}  # decision units join
    assert list(meeting.cases.all()) == [case]
    assert [(d.unit.code, d.due_date, d.state) for d in meeting.decisions.all()] == [
        ("civil_affairs", date(2025, 10, 31), "open"), ("education", date(2025, 11, 14), "open")]
    note = Notification.objects.get(recipient=frank)
    assert note.text == "2025-10-09定期会商议定事项由民政局落实，期限2025-10-31"
    assert note.link == reverse("referrals:meeting", args=[meeting.pk])


def test_only_the_procuratorate_records_and_decisions_need_unit_and_date(frank, alice, units):
    with pytest.raises(ReferralError, match="定期会商由检察院记录"):
        meetings.record_meeting(frank, held_on=date(2025, 10, 9), topics="x", units=[units["civil_affairs"]])
    with pytest.raises(ReferralError, match="须写明内容、落实单位和完成期限"):
        meetings.record_meeting(alice, held_on=date(2025, 10, 9), topics="x", units=[units["civil_affairs"]],
                                decisions=[meetings.DecisionIn("办", None, date(2025, 10, 31))])
    assert not RegularMeeting.objects.exists()


def test_unit_sees_and_closes_its_decision(client, meeting, frank, grace, units):
    mine = meeting.decisions.get(unit=units["civil_affairs"])
    rows = other_deadlines(frank, on=date(2025, 11, 3))
    assert [(r["title"], r["due"], r["status"]) for r in rows] == [
        ("落实2025-10-09定期会商议定事项：为卢某某子女办理事实无人抚养儿童认定", date(2025, 10, 31), "overdue")]
    client.force_login(frank)
    page = client.get(reverse("referrals:meeting", args=[meeting.pk])).content.decode()
    assert "为卢某某子女办理事实无人抚养儿童认定" in page and page.count('name="decision"') == 1  # only its own
    client.post(reverse("referrals:meeting", args=[meeting.pk]),
                {"decision": mine.pk, "state": "done", "result": "已认定，每月1891元"})
    mine.refresh_from_db()
    assert (mine.state, mine.result, mine.closed_by) == (DecisionState.DONE, "已认定，每月1891元", frank)
    other = meeting.decisions.get(unit=units["education"])
    with pytest.raises(ReferralError, match="只有落实单位或检察院可以办结"):
        meetings.close_decision(frank, other, state="done", result="x")
    client.force_login(grace)  # 残联 was not there
    assert client.get(reverse("referrals:meeting", args=[meeting.pk])).status_code == 403


def test_overdue_decisions_told_once(meeting, frank):
    assert meetings.check_overdue(date(2025, 10, 31)) == 0
    assert meetings.check_overdue(date(2025, 11, 3)) == 1  # 民政's liaison (frank); 教育 not yet due
    assert meetings.check_overdue(date(2025, 11, 4)) == 0
    assert MeetingDecision.objects.filter(state="open").count() == 2


def test_record_page(client, alice, units, case):
    client.force_login(alice)
    assert client.get(reverse("referrals:meeting_new")).status_code == 200
    response = client.post(reverse("referrals:meeting_new"), {
        "held_on": "2025-10-09", "title": "定期会商", "place": "检察院会议室", "units": [units["civil_affairs"].pk],
        "cases": [case.pk], "topics": "议题", "minutes": "",
        "d-TOTAL_FORMS": "3", "d-INITIAL_FORMS": "0", "d-MIN_NUM_FORMS": "0", "d-MAX_NUM_FORMS": "1000",
        "d-0-text": "落实低保", "d-0-unit": units["civil_affairs"].pk, "d-0-due_date": "2025-10-31"}, follow=True)
    assert "已记录定期会商，议定事项1项" in response.content.decode()
    assert MeetingDecision.objects.get().text == "落实低保"
