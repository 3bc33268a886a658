"""定期会商: record a regular joint meeting with its decisions, close a decision, flag overdue ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.notices import notify
from jiuzhu.app.accounts.roles import PROCURATORS
from jiuzhu.app.config import dates
from jiuzhu.app.config.duties import leaders_of, liaisons_of
from jiuzhu.app.referrals.access import cases_for
from jiuzhu.app.referrals.models import DecisionState, MeetingDecision, RegularMeeting
from jiuzhu.app.referrals.services.errors import ReferralError


@dataclass(frozen=True)
class DecisionIn:
    text: str
    unit: object  # accounts.Unit
    due_date: date


def may_record(user) -> bool:
    """The procuratorate convenes the 定期会商 and keeps its record."""
    profile = profile_of(user)
    return profile is not None and profile.in_procuratorate and profile.role in PROCURATORS


def meetings_for(user) -> QuerySet[RegularMeeting]:
    profile = profile_of(user)
    if profile is None:
        return RegularMeeting.objects.none()
    if profile.in_procuratorate:
        return RegularMeeting.objects.all()
    return RegularMeeting.objects.filter(units=profile.unit)


def decisions_for_unit(user) -> QuerySet[MeetingDecision]:
    """The open decisions the user's unit must carry out (its 我的期限)."""
    profile = profile_of(user)
    if profile is None:
        return MeetingDecision.objects.none()
    return MeetingDecision.objects.filter(unit=profile.unit, state=DecisionState.OPEN).select_related("meeting")


def _link(meeting: RegularMeeting) -> str:
    return reverse("referrals:meeting", args=[meeting.pk])


@transaction.atomic
def record_meeting(user, *, held_on: date, topics: str, units, cases=(), decisions: list[DecisionIn] = (),
                   title: str = "", place: str = "", minutes: str = "") -> RegularMeeting:
    if not may_record(user):
        raise ReferralError("定期会商由检察院记录")
    if not topics.strip():
        raise ReferralError("请填写会商议题")
    units = list(units)
    if not units:
        raise ReferralError("请选择参加单位")
    visible = set(cases_for(user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    if any(c.pk not in visible for c in cases):
        raise ReferralError("只能选择您可以查看的案件")
    for d in decisions:
        if not d.text.strip() or d.unit is None or d.due_date is None:
            raise ReferralError("每项议定事项须写明内容、落实单位和完成期限")
        if d.due_date < held_on:
            raise ReferralError("议定事项的完成期限不能早于会商日期")
    meeting = RegularMeeting.objects.create(held_on=held_on, title=title or RegularMeeting._meta.get_field(
        "title").default, place=place, topics=topics.strip(), minutes=minutes, recorded_by=user)
    meeting.units.set({*units, *(d.unit for d in decisions)})
    meeting.cases.set(cases)
    for d in decisions:
        decision = MeetingDecision.objects.create(meeting=meeting, text=d.text.strip(), unit=d.unit,
                                                  due_date=d.due_date)
        notify(liaisons_of(d.unit), f"meeting-decision-{decision.pk}",
               f"{held_on:%Y-%m-%d}定期会商议定事项由{d.unit.name}落实，期限{d.due_date:%Y-%m-%d}",
               link=_link(meeting))
    audit.record(user, "create", meeting, detail={"units": [u.code for u in meeting.units.all()],
                                                  "cases": [c.pk for c in cases], "decisions": len(decisions)})
    return meeting


@transaction.atomic
def close_decision(user, decision: MeetingDecision, *, state: str, result: str) -> MeetingDecision:
    profile = profile_of(user)
    decision = MeetingDecision.objects.select_for_update().get(pk=decision.pk)
    if profile is None or not (profile.unit_id == decision.unit_id or may_record(user)):
        raise ReferralError("只有落实单位或检察院可以办结此事项")
    if not decision.is_open:
        raise ReferralError("该事项已办结")
    if state not in (DecisionState.DONE, DecisionState.NOT_POSSIBLE):
        raise ReferralError("请选择办结结果")
    if not result.strip():
        raise ReferralError("请填写落实情况")
    decision.state, decision.result = state, result.strip()
    decision.closed_at, decision.closed_by = timezone.now(), user
    decision.save(update_fields=["state", "result", "closed_at", "closed_by"])
    audit.record(user, "update", decision, detail={"state": state})
    return decision


def check_overdue(today: date | None = None) -> int:
    """Tell the unit's liaisons and leader once about each decision past its due date; returns how many
    notices were written."""
    today = today or dates.today()
    told = 0
    late = MeetingDecision.objects.filter(state=DecisionState.OPEN, due_date__lt=today).select_related(
        "meeting", "unit"
    )
    for d in late:
        told += len(notify([*liaisons_of(d.unit), *leaders_of(d.unit)], f"meeting-decision-overdue-{d.pk}",
                           f"{d.meeting.held_on:%Y-%m-%d}定期会商议定事项（{d.unit.name}）已超期，期限为{d.due_date:%Y-%m-%d}",
                           link=_link(d.meeting)))
    return told
