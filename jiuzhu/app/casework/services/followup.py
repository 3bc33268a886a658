"""回访: the first within a month of payment, then as planned."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.notices import notify
from jiuzhu.app.casework import access, signals
from jiuzhu.app.casework.models import Case, FollowUp, NeedState, TaskKind, add_event
from jiuzhu.app.casework.services.common import close_tasks, open_task
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.config.dates import due_from, today
from jiuzhu.app.config.models import HelpKind


@transaction.atomic
def schedule(case: Case, *, by, planned_on: date, first_after: date | None = None) -> FollowUp:
    """Plan a visit. The first one (after payment) is due within the `follow_up_first` limit."""
    due = due_from("follow_up_first", first_after) if first_after else planned_on
    if planned_on > due:
        planned_on = due
    visit = FollowUp.objects.create(case=case, planned_on=planned_on, due_on=due)
    open_task(TaskKind.FOLLOW_UP, f"回访：{case.number}", case=case, assignee=case.handler, due_on=due)
    add_event(case, "follow_up_planned", f"计划于{planned_on:%Y年%m月%d日}回访", actor=by)
    audit.record(by, "create", visit, detail={"step": "schedule_follow_up"})
    return visit


@transaction.atomic
def record_visit(visit: FollowUp, *, by, visitors: str, situation: str, further_needs: str = "",
                 units=(), on: date | None = None, need_kind: str = "") -> FollowUp:
    visit = FollowUp.objects.select_for_update().get(pk=visit.pk)
    if visit.done_on is not None:
        raise CaseworkError("该次回访已记录")
    if not situation.strip():
        raise CaseworkError("请填写回访了解的生活现状")
    on = on or today()
    visit.done_on, visit.visitors, visit.situation, visit.further_needs = on, visitors, situation, further_needs
    visit.recorded_by = by
    visit.save()
    visit.units.set(units)
    case = visit.case
    if not case.follow_ups.filter(done_on__isnull=True).exists():
        close_tasks(kind=TaskKind.FOLLOW_UP, case=case, on=on)
        if not case.tasks.filter(kind=TaskKind.CLOSE, done_on__isnull=True).exists():
            open_task(TaskKind.CLOSE, f"结案：{case.number}", case=case, assignee=case.handler,
                      limit_code="case_close", start=on)
    late = "（超过期限）" if on > visit.due_on else ""
    add_event(
        case,
        "follow_up",
        f"回访{late}：{situation}" + (f"；进一步需求：{further_needs}" if further_needs else ""),
        actor=by,
    )
    _propose(visit, by, further_needs, need_kind)
    audit.record(by, "update", visit, detail={"step": "follow_up"})
    return visit


def _propose(visit: FollowUp, by, further_needs: str, need_kind: str) -> None:
    """A need written at a visit becomes a proposal the handler routes by the 职责清单 (or declines)."""
    if not further_needs.strip():
        return
    if need_kind and need_kind not in HelpKind.values:
        raise CaseworkError("请从列表中选择需求事项")
    visit.need_kind, visit.need_state = need_kind, NeedState.PROPOSED
    visit.save(update_fields=["need_kind", "need_state"])
    case = visit.case
    if case.handler_id != getattr(by, "pk", None):
        notify([case.handler], f"visit-need-{visit.pk}", f"案件{case.number}回访提出新的需求，请确认是否纳入救助方案",
               link=reverse("casework:case_detail", args=[case.pk]) + "#needs")


@transaction.atomic
def record_partner_visit(case: Case, *, by, visitors: str, situation: str, further_needs: str = "",
                         need_kind: str = "", on: date | None = None) -> FollowUp:
    """A partner unit taking part in the case records its own visit (回访由各参与单位共同开展)."""
    profile = getattr(by, "profile", None)
    if profile is None or profile.in_procuratorate or not access.can_view(by, case):
        raise CaseworkError("只有参与本案的协作单位可以在此记录回访")
    if not case.is_open:
        raise CaseworkError("案件已结案，不能再记录回访")
    if not situation.strip():
        raise CaseworkError("请填写回访了解的生活现状")
    on = on or today()
    visit = FollowUp.objects.create(case=case, planned_on=on, due_on=on, done_on=on, visitors=visitors,
                                    situation=situation, further_needs=further_needs, recorded_by=by)
    visit.units.set([profile.unit])
    add_event(case, "follow_up", f"{profile.unit.name}回访：{situation}"
              + (f"；进一步需求：{further_needs}" if further_needs else ""), actor=by)
    _propose(visit, by, further_needs, need_kind)
    audit.record(by, "create", visit, detail={"step": "partner_follow_up", "unit": profile.unit.code})
    return visit


@transaction.atomic
def route_need(visit: FollowUp, *, by, kind: str, due_date: date | None = None, refer: bool = False, unit=None):
    """The procuratorate takes a proposed need into the plan: the 职责清单 decides the unit (only the
    procuratorate brings a unit into a case). Returns the plan item, which the part that keeps the plan
    makes when told (``need_routed``: referrals.signals.plan_routed_need)."""
    visit = FollowUp.objects.select_for_update().get(pk=visit.pk)
    if visit.need_state != NeedState.PROPOSED:
        raise CaseworkError("该需求已处理")
    replies = signals.need_routed.send(sender=None, visit=visit, by=by, kind=kind, due_date=due_date,
                                       refer=refer, unit=unit)
    (item,) = [item for _, item in replies]  # one part keeps the plan
    visit.need_state, visit.need_plan_item, visit.need_kind = NeedState.ROUTED, item, kind
    visit.save(update_fields=["need_state", "need_plan_item", "need_kind"])
    audit.record(by, "update", visit, detail={"step": "route_need", "plan_item": item.pk})
    return item


@transaction.atomic
def decline_need(visit: FollowUp, *, by, reason: str) -> FollowUp:
    visit = FollowUp.objects.select_for_update().get(pk=visit.pk)
    if visit.need_state != NeedState.PROPOSED:
        raise CaseworkError("该需求已处理")
    if not reason.strip():
        raise CaseworkError("不纳入救助方案须写明理由")
    visit.need_state, visit.need_note = NeedState.DECLINED, reason.strip()
    visit.save(update_fields=["need_state", "need_note"])
    add_event(visit.case, "need_declined", f"回访提出的需求不纳入救助方案：{visit.need_note}", actor=by)
    audit.record(by, "update", visit, detail={"step": "decline_need"})
    return visit
