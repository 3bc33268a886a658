"""核查: assign a clue to a handler (5 working days) and record the outcome 立案/移送/排除."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from jiuzhu.app.accounts import audit
from jiuzhu.app.casework.models import Outcome, TaskKind, Verification
from jiuzhu.app.casework.services.common import close_tasks, lock, open_task
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.clues.models import Clue, ClueState
from jiuzhu.app.config.dates import due_from, today


@transaction.atomic
def assign(clue: Clue, handler, *, by, on: date | None = None) -> Verification:
    clue = lock(clue)
    if clue.state not in (ClueState.NEW, ClueState.ASSIGNED, ClueState.VERIFYING):
        raise CaseworkError("该线索已处理完毕，不能再分派")
    on = on or today()
    before = {"state": clue.state}
    verification, _ = Verification.objects.update_or_create(
        clue=clue, defaults={"handler": handler, "assigned_by": by, "assigned_on": on,
                             "due_on": due_from("clue_verify", on)})
    close_tasks(kind=TaskKind.VERIFY, clue=clue, on=on)  # a reassignment replaces the old task
    what = clue.rule_name or clue.get_source_display()  # the rule's name, or 信访/12309 … for a hand-entered clue
    open_task(TaskKind.VERIFY, f"核查线索：{what} {clue.person_name}", clue=clue, assignee=handler,
              due_on=verification.due_on)
    clue.state = ClueState.ASSIGNED
    clue.save(update_fields=["state", "updated_at"])
    audit.record(by, "update", clue, detail={"step": "assign", "handler": handler.pk}, before=before,
                 after={"state": clue.state})
    return verification


@transaction.atomic
def conclude(clue: Clue, outcome: str, *, by, reason: str = "", findings: str = "", refer_to=None,
             on: date | None = None) -> Verification:
    """立案 is concluded by accepting a case (acceptance.accept_case); 移送 and 排除 end here."""
    clue = lock(clue)
    verification = getattr(clue, "verification", None)
    if verification is None:
        raise CaseworkError("线索尚未分派，不能作核查结论")
    if verification.outcome:
        raise CaseworkError("该线索已有核查结论")
    if outcome not in Outcome.values:
        raise CaseworkError("核查结论应为立案救助、移送他单位或排除")
    if outcome in (Outcome.EXCLUDE, Outcome.REFER) and not reason.strip():
        raise CaseworkError("移送或排除须写明理由")
    if outcome == Outcome.REFER and refer_to is None:
        raise CaseworkError("移送须选择接收单位")
    on = on or today()
    before = {"state": clue.state}
    verification.outcome, verification.reason, verification.findings = outcome, reason, findings
    verification.refer_to, verification.decided_on = refer_to, on
    verification.save()
    clue.state = {Outcome.ACCEPT: ClueState.ACCEPTED, Outcome.REFER: ClueState.REFERRED,
                  Outcome.EXCLUDE: ClueState.EXCLUDED}[outcome]
    clue.save(update_fields=["state", "updated_at"])
    close_tasks(kind=TaskKind.VERIFY, clue=clue, on=on)
    audit.record(by, "update", clue, detail={"step": "verify", "outcome": outcome}, before=before,
                 after={"state": clue.state})
    return verification
