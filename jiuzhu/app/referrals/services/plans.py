"""救助方案: add an item routed by the 职责清单, optionally refer it at once; close it with a result."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.notices import notify
from jiuzhu.app.accounts.roles import PARTNER_ROLES, PROCURATORS
from jiuzhu.app.casework.access import can_handle
from jiuzhu.app.casework.models import CaseUnit
from jiuzhu.app.config.dates import due_from
from jiuzhu.app.config.duties import liaisons_of
from jiuzhu.app.config.models import PLAN_ITEM_LIMIT
from jiuzhu.app.referrals.models import PlanItem, PlanItemState
from jiuzhu.app.referrals.services import flow
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.routing import unit_for
from jiuzhu.app.referrals.services.timeline import record_event

CLOSING_STATES = (PlanItemState.DONE, PlanItemState.NOT_POSSIBLE, PlanItemState.CANCELLED)


@transaction.atomic
def add_item(user, case, *, kind: str, description: str = "", due_date: date | None = None,
             refer: bool = False, facts: str = "", now: datetime | None = None, unit=None) -> PlanItem:
    """Add a plan item to the case. The unit is the one whose 职责清单 takes the kind (`unit`: the one
    chosen when several do); with `refer`, a referral carrying the item is sent to it now (items of the
    procuratorate itself are never referred)."""
    profile = profile_of(user)
    if profile is None or not profile.in_procuratorate or profile.role not in PROCURATORS:
        raise ReferralError("只有检察院的检察官和负责人可以制定救助方案")
    now = now or timezone.now()
    unit = unit_for(kind, unit)
    item = PlanItem.objects.create(case=case, kind=kind, unit=unit, description=description,
                                   due_date=due_date or due_from(PLAN_ITEM_LIMIT, now), created_by=user)
    CaseUnit.join(case, unit, CaseUnit.How.REFERRAL)
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


def closes_as(user, item: PlanItem) -> str | None:
    """Who may close the item: "unit" — its own unit (the partner's liaison or leader; for the
    procuratorate's own items its handlers and leaders); "handler" — the case's handler, for a unit
    that does not answer, with a recorded reason; None — nobody else (finance, other units)."""
    profile = profile_of(user)
    if profile is None:
        return None
    own_roles = PROCURATORS if profile.in_procuratorate else PARTNER_ROLES
    if profile.unit_id == item.unit_id and profile.role in own_roles:
        return "unit"
    if can_handle(user, item.case):
        return "handler"
    return None


def may_close(user, item: PlanItem) -> bool:
    return closes_as(user, item) is not None


@transaction.atomic
def close_item(user, item: PlanItem, *, state: str, result: str, amount_fen: int | None = None,
               reason: str = "", now: datetime | None = None) -> PlanItem:
    """The unit that carries the item records how it ended; the case's handler may do it in the
    unit's stead only with a recorded reason (the unit does not answer)."""
    item.refresh_from_db(from_queryset=PlanItem.objects.select_for_update())
    who = closes_as(user, item)
    if who is None:
        raise ReferralError("只有承办单位（或该案承办检察官写明原因后）可以办结此事项")
    if who == "handler" and not reason.strip():
        raise ReferralError("承办检察官代承办单位办结，须写明原因（如单位逾期未反馈）")
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
    item.result = result.strip() + (f"（承办检察官代为办结：{reason.strip()}）" if who == "handler" else "")
    item.amount_fen = amount_fen
    item.closed_at = now
    item.save(update_fields=["state", "result", "amount_fen", "closed_at"])
    record_event(None, "plan_item_closed",
                 f"救助方案事项“{item.get_kind_display()}”{item.get_state_display()}：{item.result}",
                 actor=user, at=now, case=item.case)
    audit.record(user, "update", item, detail={"state": state, "closed_as": who})
    return item
