"""Referrals, plan items and notices of the user's unit."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import profile_of, shown_id
from jiuzhu.app.accounts.models import Notification
from jiuzhu.app.api.common import allowed, get_or_refuse
from jiuzhu.app.casework.models import Case
from jiuzhu.app.config import dates
from jiuzhu.app.referrals import access as referral_access
from jiuzhu.app.referrals.models import Referral
from jiuzhu.app.referrals.services import flow
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.flow import describe_result
from jiuzhu.engine.identity.money import MAX_AMOUNT_FEN

router = Router(tags=["协作移送"])


class ReferralOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    from_unit: str
    to_unit: str
    state: str
    state_label: str
    case_id: int | None
    person_name: str
    sent_at: datetime
    receipt_due: date
    answer_due: date | None
    due: date | None
    overdue: bool
    result: str
    result_text: str
    monthly_amount_fen: int | None
    return_reason: str


class ReferralDetailOut(ReferralOut):
    person_id_number: str
    facts: str
    request: str
    received_at: datetime | None
    answered_at: datetime | None


class PlanItemOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str
    unit: str
    due_date: date
    state: str
    state_label: str
    result: str
    amount_fen: int | None
    referral_id: int | None


class NotificationOut(Schema):
    id: int
    text: str
    link: str
    created_at: datetime
    read: bool


def referral_out(r: Referral, today: date) -> dict:
    """A referral as the session API and the token API both show it (no ID number: callers add it)."""
    return {
        "id": r.pk, "number": r.number, "kind": r.kind, "kind_label": r.get_kind_display(),
        "from_unit": r.from_unit.code, "to_unit": r.to_unit.code, "state": r.state,
        "state_label": r.get_state_display(), "case_id": r.case_id, "person_name": r.person_name,
        "sent_at": r.sent_at, "receipt_due": r.receipt_due, "answer_due": r.answer_due, "due": r.due_date(),
        "overdue": r.is_overdue(today), "result": r.result, "result_text": describe_result(r) if r.result else "",
        "monthly_amount_fen": r.monthly_amount_fen, "return_reason": r.return_reason,
    }


@router.get("/referrals", response=list[ReferralOut], summary="本单位发出和收到的移送")
def list_referrals(request: HttpRequest, state: str = "", direction: str = ""):
    """`direction`: `in` (to the user's unit) or `out` (sent by it); empty for both."""
    allowed(request, "referral.list")
    profile = profile_of(request.user)
    rows = referral_access.referrals_for(request.user).select_related("from_unit", "to_unit")
    if state:
        rows = rows.filter(state=state)
    if profile is not None and direction == "in":
        rows = rows.filter(to_unit=profile.unit)
    elif profile is not None and direction == "out":
        rows = rows.filter(from_unit=profile.unit)
    today = dates.today()
    return [referral_out(r, today) for r in rows[:1000]]


@router.get("/referrals/{referral_id}", response=ReferralDetailOut, summary="一件移送")
def get_referral(request: HttpRequest, referral_id: int):
    r = get_or_refuse(request, _REFERRALS, referral_id, "referral.view")
    audit.record(request, "view", r, detail={"via": "api"})
    return {**referral_out(r, dates.today()),
            "person_id_number": shown_id(request.user, r.person_id_number),
            "facts": r.facts, "request": r.request, "received_at": r.received_at, "answered_at": r.answered_at}


@router.get("/plan-items", response=list[PlanItemOut], summary="本单位的救助方案事项")
def list_plan_items(request: HttpRequest, open_only: bool = True):
    allowed(request, "plan_item.list")
    items = referral_access.plan_items_for(request.user).select_related("unit")
    if open_only:
        items = items.open()
    return [{"id": i.pk, "case_id": i.case_id, "kind": i.kind, "kind_label": i.get_kind_display(),
             "unit": i.unit.code, "due_date": i.due_date, "state": i.state, "state_label": i.get_state_display(),
             "result": i.result, "amount_fen": i.amount_fen, "referral_id": i.referral_id} for i in items[:1000]]


@router.get("/notifications", response=list[NotificationOut], summary="我的通知")
def list_notifications(request: HttpRequest):
    allowed(request, "home")
    notes = Notification.objects.filter(recipient=request.user)[:200]
    return [{"id": n.pk, "text": n.text, "link": n.link, "created_at": n.created_at, "read": n.read_at is not None}
            for n in notes]


def get_case_or_refuse(request: HttpRequest, case_id: int):
    return get_or_refuse(request, Case, case_id, "case.cooperation")


class AnswerIn(Schema):
    result: str
    note: str = ""
    # Bounded here so that an absurd amount is a 400 naming the field, never an overflow in the database.
    monthly_amount_fen: int | None = Field(None, ge=0, le=MAX_AMOUNT_FEN)
    once_amount_fen: int | None = Field(None, ge=0, le=MAX_AMOUNT_FEN)
    effective_date: date | None = None


class ReturnIn(Schema):
    reason: str


_REFERRALS = Referral.objects.select_related("from_unit", "to_unit")


def _do(request: HttpRequest, referral_id: int, step) -> dict:
    """Run a step as on the page: 403 outside the user's scope or not the receiving unit, 409 with the
    Chinese reason when the state does not allow it."""
    r = get_or_refuse(request, _REFERRALS, referral_id, "referral.act")
    try:
        r = step(r)
    except ReferralError as err:
        raise HttpError(409, str(err)) from None
    return referral_out(r, dates.today())


@router.post("/referrals/{referral_id}/sign", response=ReferralOut, summary="签收")
def sign_referral(request: HttpRequest, referral_id: int):
    return _do(request, referral_id, lambda r: flow.sign(request.user, r))


@router.post("/referrals/{referral_id}/start", response=ReferralOut, summary="开始办理")
def start_referral(request: HttpRequest, referral_id: int):
    return _do(request, referral_id, lambda r: flow.start(request.user, r))


@router.post("/referrals/{referral_id}/answer", response=ReferralOut, summary="反馈办理结果")
def answer_referral(request: HttpRequest, referral_id: int, body: AnswerIn):
    return _do(request, referral_id, lambda r: flow.answer(
        request.user, r, result=body.result, note=body.note, monthly_amount_fen=body.monthly_amount_fen,
        once_amount_fen=body.once_amount_fen, effective_date=body.effective_date))


@router.post("/referrals/{referral_id}/return", response=ReferralOut, summary="退回")
def return_referral(request: HttpRequest, referral_id: int, body: ReturnIn):
    return _do(request, referral_id, lambda r: flow.return_referral(request.user, r, reason=body.reason))
