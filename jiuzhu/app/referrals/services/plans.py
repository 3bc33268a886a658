"""救助方案: add an item routed by the 职责清单, optionally refer it at once; close it with a result."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.casework.models import CaseUnit
from jiuzhu.app.referrals.models import PlanItem, PlanItemState
from jiuzhu.app.referrals.services import flow, limits
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.notify import liaisons_of, notify
from jiuzhu.app.referrals.services.routing import unit_for
from jiuzhu.app.referrals.services.scope import CLUE_ROLES
from jiuzhu.app.referrals.services.timeline import record_event

CLOSING_STATES = (PlanItemState.DONE, PlanItemState.NOT_POSSIBLE, PlanItemState.CANCELLED)


@transaction.atomic
def add_item(user, case, *, kind: str, description: str = "", due_date: date | None = None,
             refer: bool = False, facts: str = "", now: datetime | None = None, unit=None) -> PlanItem:
    """Add a plan item to the case. The unit is the one whose 职责清单 takes the kind (`unit`: the one
    chosen when several do); with `refer`, a referral carrying the item is sent to it now (items of the
    procuratorate itself are never referred)."""
    profile = profile_of(user)
    if profile is None or not profile.in_procuratorate or profile.role not in CLUE_ROLES:
        raise ReferralError("只有检察院的检察官和负责人可以制定救助方案")
    now = now or timezone.now()
    unit = unit_for(kind, unit)
    item = PlanItem.objects.create(case=case, kind=kind, unit=unit, description=description,
                                   due_date=due_date or limits.plan_item_due(now), created_by=user)
    CaseUnit.objects.get_or_create(case=case, unit=unit, defaults={"how": CaseUnit.How.REFERRAL})
    record_event(None, "plan_item_added",
                 f"救助方案增加事项“{item.get_kind_display()}”，由{unit.name}落实，期限{item.due_date:%Y-%m-%d}",
                 actor=user, at=now, case=case)
    audit.record(user, "create", item, detail={"kind": kind, "unit": unit.code})
    if not (refer and not unit.is_procuratorate):
        notify(liaisons_of(unit), f"plan-item-new-{item.pk}",
               f"新救助方案事项：{case.number}“{item.get_kind_display()}”，请于{item.due_date:%Y-%m-%d}前落实",
               link=reverse("referrals:plan_items"))
    if refer and not unit.is_procuratorate:
        flow.send(user, to_unit=unit, kind=kind, person_name=case.person_name,
                  person_id_number=case.person_id_number, facts=facts or description or case.person_name,
                  request=description, case=case, plan_item=item, now=now)
        item.refresh_from_db()
    return item


@transaction.atomic
def close_item(user, item: PlanItem, *, state: str, result: str, amount_fen: int | None = None,
               now: datetime | None = None) -> PlanItem:
    """The unit that carries the item (or the procuratorate) records how it ended."""
    profile = profile_of(user)
    if profile is None or not (profile.unit_id == item.unit_id or profile.in_procuratorate):
        raise ReferralError("只有承办单位或检察院可以办结此事项")
    if not item.is_open:
        raise ReferralError("该事项已办结")
    if state not in CLOSING_STATES:
        raise ReferralError("请选择办结结果")
    if not result.strip():
        raise ReferralError("请填写落实结果")
    if amount_fen is not None and amount_fen < 0:
        raise ReferralError("金额不能为负数")
    now = now or timezone.now()
    item.state = state
    item.result = result.strip()
    item.amount_fen = amount_fen
    item.closed_at = now
    item.save(update_fields=["state", "result", "amount_fen", "closed_at"])
    record_event(None, "plan_item_closed",
                 f"救助方案事项“{item.get_kind_display()}”{item.get_state_display()}：{item.result}",
                 actor=user, at=now, case=item.case)
    audit.record(user, "update", item, detail={"state": state})
    return item
