"""What every transition does: tasks and their due dates, audit snapshots."""

from __future__ import annotations

from datetime import date

from jiuzhu.app.accounts import audit
from jiuzhu.app.casework.models import Task
from jiuzhu.app.casework.services.notices import task_opened
from jiuzhu.app.config.dates import due_from, today


def open_task(kind: str, title: str, *, case=None, clue=None, assignee=None, role: str = "",
              limit_code: str = "", start: date | None = None, due_on: date | None = None) -> Task:
    """A step someone owes; its owners are told at once (casework.services.notices)."""
    if due_on is None and limit_code:
        due_on = due_from(limit_code, start or today())
    task = Task.objects.create(kind=kind, title=title, case=case, clue=clue, assignee=assignee, role=role,
                               limit_code=limit_code, due_on=due_on)
    task_opened(task)
    return task


def close_tasks(*, kind: str, case=None, clue=None, on: date | None = None) -> int:
    qs = Task.objects.filter(kind=kind, done_on__isnull=True)
    qs = qs.filter(case=case) if case is not None else qs.filter(clue=clue)
    return qs.update(done_on=on or today())


CASE_FIELDS = ("state", "handler_id", "urgent", "urgent_paperwork_done_on", "closed_on")


def snapshot(obj, fields=CASE_FIELDS) -> dict:
    out = {}
    for f in fields:
        v = getattr(obj, f)
        out[f] = v.isoformat() if isinstance(v, date) else v
    return out


def audit_change(who, obj, before: dict | None, *, action: str = "update", step: str = "",
                 fields=CASE_FIELDS) -> None:
    audit.record(who, action, obj, detail={"step": step} if step else None, before=before,
                 after=snapshot(obj, fields))


def lock(obj):
    """Lock the row for this transaction and reload the caller's own instance, so that the
    object a view or test holds shows the new state after the service returns."""
    obj.refresh_from_db(from_queryset=type(obj).objects.select_for_update())
    return obj
