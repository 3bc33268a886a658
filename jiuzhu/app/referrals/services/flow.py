"""The referral states of workflow.md §3: send → sign → start → answer, or return with a reason.

Every step checks who acts and from which state, stamps its time, writes the shared timeline of the
case (when there is one), the audit trail, and tells whoever waits for it."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.accounts.notices import notify
from jiuzhu.app.casework.models import CaseUnit
from jiuzhu.app.config.dates import due_from, limit_codes
from jiuzhu.app.config.duties import liaisons_of
from jiuzhu.app.config.models import HelpKind
from jiuzhu.app.referrals.models import NEGATIVE_RESULTS, PlanItemState, Referral, ReferralState, ResultCode
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.routing import kinds_taken_by
from jiuzhu.app.referrals.services.timeline import record_event
from jiuzhu.engine.identity.money import amount_problem, format_yuan

# state → the states a step may start from
_FROM = {
    "sign": (ReferralState.SENT,),
    "start": (ReferralState.RECEIVED,),
    "answer": (ReferralState.RECEIVED, ReferralState.IN_PROGRESS),
    "return": (ReferralState.SENT, ReferralState.RECEIVED, ReferralState.IN_PROGRESS),
}


def _link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _next_number(from_unit: Unit, year: int, attempt: int = 0) -> str:
    prefix = "检移" if from_unit.is_procuratorate else f"{from_unit.name[:2]}移"
    count = Referral.objects.filter(number__startswith=f"{prefix}〔{year}〕").count()
    return f"{prefix}〔{year}〕{count + 1 + attempt}号"


def may_act(user, referral: Referral) -> bool:
    """Only the receiving unit signs, handles, answers or returns a referral."""
    profile = profile_of(user)
    return profile is not None and profile.unit_id == referral.to_unit_id


def _check(user, referral: Referral, step: str) -> None:
    if not may_act(user, referral):
        raise ReferralError("只有接收单位可以办理此移送")
    if referral.state not in _FROM[step]:
        raise ReferralError(f"移送当前状态为“{referral.get_state_display()}”，不能{_STEP_NAMES[step]}")


_STEP_NAMES = {"sign": "签收", "start": "开始办理", "answer": "反馈", "return": "退回"}


def send(
    user,
    *,
    to_unit: Unit,
    kind: str,
    person_name: str,
    facts: str,
    request: str = "",
    case=None,
    clue=None,
    person_id_number: str = "",
    plan_item=None,
    now: datetime | None = None,
    phone: str = "",
    address: str = "",
) -> Referral:
    """Send a referral from the user's unit. A case referred to a unit makes the unit a participant; a partner
    unit's referral to the procuratorate without a case becomes a 移送 clue in the procuratorate's queue."""
    # here, not at the top: clues.services imports this part's services (tests/test_import_cycles.py)
    from jiuzhu.app.clues.services import ClueError, checked_id_number, clue_from_referral

    profile = _sender(user, to_unit, kind)
    becomes_clue = case is None and clue is None and to_unit.is_procuratorate and not profile.in_procuratorate
    if becomes_clue:  # the clue's ID is checked as the intake checks a registry cell
        try:
            person_id_number = checked_id_number(person_id_number)
        except ClueError as err:
            raise ReferralError(str(err).split(" / ")[0]) from None
    now = now or timezone.now()
    referral = _create_numbered(
        from_unit=profile.unit, to_unit=to_unit, kind=kind, case=case, clue=clue, person_name=person_name,
        person_id_number=person_id_number, facts=facts, request=request, sender=user, sent_at=now,
        receipt_due=due_from(limit_codes(to_unit)[0], now))
    if case is not None and profile.in_procuratorate:
        # only the procuratorate brings a unit into a case (三共享 only for the cases a unit is part of)
        CaseUnit.join(case, to_unit, CaseUnit.How.REFERRAL)
    elif becomes_clue:
        clue_from_referral(referral, phone=phone, address=address)
    if plan_item is not None:
        plan_item.referral = referral
        plan_item.state = PlanItemState.IN_PROGRESS
        plan_item.save(update_fields=["referral", "state"])
    record_event(referral, "referral_sent",
                 f"{profile.unit.name}向{to_unit.name}发出{referral.letter_title}（{referral.number}，"
                 f"{referral.get_kind_display()}），签收期限{referral.receipt_due:%Y-%m-%d}",
                 actor=user, at=now)
    audit.record(user, "create", referral, detail={"to_unit": to_unit.code, "kind": kind})
    notify(liaisons_of(to_unit), f"referral-new-{referral.pk}",
           f"新移送：{referral.number}（{referral.get_kind_display()}），请于{referral.receipt_due:%Y-%m-%d}前签收",
           link=_link(referral), referral=referral)
    return referral


def _sender(user, to_unit: Unit, kind: str):
    """The sending user's profile, when they may send `kind` to `to_unit`; else ReferralError."""
    profile = profile_of(user)
    if profile is None:
        raise ReferralError("账号没有所属单位，不能移送")
    if to_unit.pk == profile.unit_id:
        raise ReferralError("不能移送给本单位")
    if not profile.in_procuratorate and not to_unit.is_procuratorate:
        # a partner answers for itself only: it sends clues to the procuratorate, never brings in a third unit
        raise ReferralError("协作单位只能向检察院移送")
    if kind not in HelpKind.values:
        raise ReferralError("移送事项不在清单中")
    return profile


def _create_numbered(*, from_unit: Unit, sent_at: datetime, **fields) -> Referral:
    """The referral with the next 文号 of the sending unit's year; two senders taking the same number at
    once is retried with the next one (the number is unique)."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Referral.objects.create(
                    number=_next_number(from_unit, timezone.localtime(sent_at).year, attempt),
                    from_unit=from_unit, sent_at=sent_at, **fields)
        except IntegrityError:
            continue
    raise ReferralError("文号生成冲突，请重试")


@transaction.atomic
def sign(user, referral: Referral, *, now: datetime | None = None) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _check(user, referral, "sign")
    now = now or timezone.now()
    referral.state = ReferralState.RECEIVED
    referral.received_at = now
    referral.received_by = user
    referral.answer_due = due_from(limit_codes(referral.to_unit)[1], now)
    referral.save(update_fields=["state", "received_at", "received_by", "answer_due"])
    record_event(referral, "referral_received",
                 f"{referral.to_unit.name}签收移送{referral.number}，反馈期限{referral.answer_due:%Y-%m-%d}",
                 actor=user, at=now)
    audit.record(user, "update", referral, detail={"state": referral.state})
    notify([referral.sender], f"referral-received-{referral.pk}",
           f"{referral.to_unit.name}已签收移送{referral.number}，反馈期限{referral.answer_due:%Y-%m-%d}",
           link=_link(referral), referral=referral)
    return referral


@transaction.atomic
def start(user, referral: Referral, *, now: datetime | None = None) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _check(user, referral, "start")
    now = now or timezone.now()
    referral.state = ReferralState.IN_PROGRESS
    referral.started_at = now
    referral.save(update_fields=["state", "started_at"])
    record_event(referral, "referral_in_progress", f"{referral.to_unit.name}开始办理移送{referral.number}",
                 actor=user, at=now)
    audit.record(user, "update", referral, detail={"state": referral.state})
    notify([referral.sender], f"referral-started-{referral.pk}",
           f"{referral.to_unit.name}已开始办理移送{referral.number}", link=_link(referral), referral=referral)
    return referral


def describe_result(referral: Referral) -> str:
    """The result as one sentence every unit in the case reads."""
    parts = [referral.get_result_display()]
    if referral.monthly_amount_fen:
        parts.append(f"月保障金额{format_yuan(referral.monthly_amount_fen, unit=True)}")
    if referral.once_amount_fen:
        parts.append(f"金额{format_yuan(referral.once_amount_fen, unit=True)}")
    if referral.effective_date:
        parts.append(f"自{referral.effective_date:%Y-%m-%d}起")
    if referral.result_note:
        parts.append(referral.result_note)
    return "，".join(parts)


@transaction.atomic
def answer(
    user,
    referral: Referral,
    *,
    result: str,
    note: str = "",
    monthly_amount_fen: int | None = None,
    once_amount_fen: int | None = None,
    effective_date=None,
    now: datetime | None = None,
) -> Referral:
    """Answer with a structured result. A negative result needs its reason; amounts are whole 分, not negative.
    Plan items carried by the referral close with the result."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _check(user, referral, "answer")
    if result not in ResultCode.values:
        raise ReferralError("请选择办理结果")
    if result in NEGATIVE_RESULTS and not note.strip():
        raise ReferralError("“不符合条件”或“其他”须写明理由")
    for amount in (monthly_amount_fen, once_amount_fen):
        if amount_problem(amount):
            raise ReferralError(amount_problem(amount))
    if result == ResultCode.ENROLLED_DIBAO and not monthly_amount_fen:
        raise ReferralError("已纳入低保须填写月保障金额")
    now = now or timezone.now()
    referral.state = ReferralState.ANSWERED
    referral.answered_at = now
    referral.answered_by = user
    referral.result = result
    referral.result_note = note.strip()
    referral.monthly_amount_fen = monthly_amount_fen
    referral.once_amount_fen = once_amount_fen
    referral.effective_date = effective_date
    referral.save()
    text = describe_result(referral)
    record_event(referral, "referral_answered", f"{referral.to_unit.name}反馈移送{referral.number}：{text}",
                 actor=user, at=now)
    closed = PlanItemState.NOT_POSSIBLE if result in NEGATIVE_RESULTS else PlanItemState.DONE
    for item in referral.plan_items.open():
        item.state = closed
        item.result = text
        item.amount_fen = monthly_amount_fen or once_amount_fen
        item.closed_at = now
        item.save(update_fields=["state", "result", "amount_fen", "closed_at"])
        record_event(referral, "plan_item_closed",
                     f"救助方案事项“{item.get_kind_display()}”{item.get_state_display()}", actor=user, at=now)
    audit.record(user, "update", referral, detail={"state": referral.state, "result": result})
    notify([referral.sender], f"referral-answered-{referral.pk}",
           f"{referral.to_unit.name}已反馈移送{referral.number}：{referral.get_result_display()}",
           link=_link(referral), referral=referral)
    return referral


@transaction.atomic
def return_referral(user, referral: Referral, *, reason: str, now: datetime | None = None) -> Referral:
    """Not this unit's business: back to the sender with the reason. Plan items it carried reopen."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _check(user, referral, "return")
    if not reason.strip():
        raise ReferralError("退回须写明理由")
    now = now or timezone.now()
    referral.state = ReferralState.RETURNED
    referral.returned_at = now
    referral.return_reason = reason.strip()
    referral.save(update_fields=["state", "returned_at", "return_reason"])
    referral.plan_items.open().update(state=PlanItemState.OPEN, referral=None)
    record_event(referral, "referral_returned",
                 f"{referral.to_unit.name}退回移送{referral.number}，理由：{referral.return_reason}",
                 actor=user, at=now)
    audit.record(user, "update", referral, detail={"state": referral.state})
    notify([referral.sender], f"referral-returned-{referral.pk}",
           f"{referral.to_unit.name}退回了移送{referral.number}，请另行处理",
           link=_link(referral), referral=referral)
    return referral


def refer_clue(user, clue, to_unit: Unit, *, kind: str | None = None, facts: str = "", request: str = "",
               now: datetime | None = None) -> Referral:
    """A clue 核查 concluded as 移送他单位: a 线索移送函 to the unit, carrying the clue's reason and suggestion.
    The kind defaults to the first one on the unit's 职责清单 that the clue's suggestion names, else its first."""
    if kind is None:
        taken = kinds_taken_by(to_unit)
        if not taken:
            raise ReferralError(f"{to_unit.name}的职责清单没有承接事项，请选择移送事项")
        named = [k for k in taken if HelpKind(k).label in (clue.suggested_help or "")]
        kind = (named or taken)[0]
    return send(user, to_unit=to_unit, kind=kind, person_name=clue.person_name,
                person_id_number=clue.person_id_number, facts=facts or clue.reason,
                request=request or clue.suggested_help, clue=clue, now=now)
