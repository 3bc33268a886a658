"""回访: the first within a month of payment, then as planned."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from jiuzhu.app.accounts import audit
from jiuzhu.app.casework.models import Case, FollowUp, TaskKind, add_event
from jiuzhu.app.casework.services.common import close_tasks, due_from, open_task, today
from jiuzhu.app.casework.services.errors import CaseworkError


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
                 units=(), on: date | None = None) -> FollowUp:
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
    add_event(case, "follow_up", f"回访{late}：{situation}" + (f"；进一步需求：{further_needs}" if further_needs else ""),
              actor=by)
    audit.record(by, "update", visit, detail={"step": "follow_up"})
    return visit
