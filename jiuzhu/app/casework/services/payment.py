"""发放: funds requested → received → paid, exactly once per case.

The guard is in the database: `Payment.case` is unique, and each step locks the payment row and
checks its state inside one transaction, so two clicks, two browsers or two finance officers at
once give one payment record and one 发放."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from jiuzhu.app.casework.models import Case, CaseState, Method, Payment, PaymentState, TaskKind, add_event
from jiuzhu.app.casework.services.common import (
    audit_change,
    close_tasks,
    lock,
    open_task,
    snapshot,
)
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.casework.services.followup import schedule
from jiuzhu.app.config.dates import add_months, due_from, today

PAYMENT_FIELDS = ("state", "amount_fen", "requested_on", "received_on", "notify_due", "notified_on", "paid_on",
                  "method", "receipt_no")


@transaction.atomic
def request_funds(case: Case, *, by, on: date | None = None) -> Payment:
    case = lock(case)
    if case.state != CaseState.GRANTED:
        raise CaseworkError("只有决定救助、尚未申请资金的案件可以申请资金")
    on = on or today()
    before = snapshot(case)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(case=case, amount_fen=case.decision.amount_fen, requested_on=on,
                                             requested_by=by)
    except IntegrityError:
        raise CaseworkError("该案件已申请资金") from None
    case.state = CaseState.PAYING
    case.save(update_fields=["state", "updated_at"])
    close_tasks(kind=TaskKind.REQUEST_FUNDS, case=case, on=on)
    add_event(case, "funds_requested", f"已申请救助资金{payment.amount_fen / 100:,.2f}元", actor=by)
    audit_change(by, case, before, step="request_funds")
    return payment


def _locked(case: Case) -> Payment:
    try:
        return Payment.objects.select_for_update().get(case_id=case.pk)
    except Payment.DoesNotExist:
        raise CaseworkError("该案件尚未申请资金") from None


@transaction.atomic
def record_received(case: Case, *, by, on: date | None = None) -> Payment:
    payment = _locked(case)
    if payment.state != PaymentState.REQUESTED:
        raise CaseworkError("资金到账已登记")
    on = on or today()
    before = {f: str(getattr(payment, f)) for f in PAYMENT_FIELDS}
    payment.state, payment.received_on = PaymentState.RECEIVED, on
    payment.notify_due = due_from("funds_notify", on)
    payment.save()
    open_task(TaskKind.NOTIFY, f"通知申请人领取救助金：{case.number}", case=case, assignee=case.handler,
              due_on=payment.notify_due)
    open_task(TaskKind.PAY, f"发放救助金：{case.number}", case=case, role="finance", limit_code="funds_pay",
              start=on)
    add_event(case, "funds_received", f"救助资金到账，应于{payment.notify_due:%Y年%m月%d日}前通知申请人", actor=by)
    audit_change(by, payment, before, step="funds_received", fields=PAYMENT_FIELDS)
    return payment


@transaction.atomic
def record_notified(case: Case, *, by, on: date | None = None) -> Payment:
    payment = _locked(case)
    if payment.received_on is None:
        raise CaseworkError("资金尚未到账")
    if payment.notified_on is not None:
        raise CaseworkError("已通知申请人")
    on = on or today()
    payment.notified_on = on
    payment.save(update_fields=["notified_on"])
    close_tasks(kind=TaskKind.NOTIFY, case=case, on=on)
    late = "（超过期限）" if on > payment.notify_due else ""
    add_event(case, "notified", f"已通知申请人领取救助金{late}", actor=by)
    audit_change(by, payment, None, step="notified", fields=PAYMENT_FIELDS)
    return payment


@transaction.atomic
def record_paid(case: Case, *, by, method: str, receipt_no: str, on: date | None = None,
                account: str = "") -> Payment:
    payment = _locked(case)
    if payment.state == PaymentState.PAID:
        raise CaseworkError("该案件救助金已发放，不能重复发放")
    if payment.state != PaymentState.RECEIVED:
        raise CaseworkError("资金到账后才能发放")
    if method not in Method.values:
        raise CaseworkError("请选择发放方式")
    if not receipt_no.strip():
        raise CaseworkError("请填写收据或凭证号")
    on = on or today()
    before = {f: str(getattr(payment, f)) for f in PAYMENT_FIELDS}
    payment.state, payment.paid_on, payment.method = PaymentState.PAID, on, method
    payment.receipt_no, payment.account, payment.paid_by = receipt_no.strip(), account, by
    payment.save()
    case = lock(case)
    case.state = CaseState.PAID
    case.save(update_fields=["state", "updated_at"])
    close_tasks(kind=TaskKind.PAY, case=case, on=on)
    add_event(case, "paid", f"救助金{payment.amount_fen / 100:,.2f}元已发放（{payment.get_method_display()}）",
              actor=by)

    schedule(case, by=by, planned_on=add_months(on, 1), first_after=on)
    audit_change(by, payment, before, step="paid", fields=PAYMENT_FIELDS)
    return payment


def exactly_once_state(case: Case) -> dict:
    """For the case page: the payment's state (no personal data)."""
    payment = Payment.objects.filter(case=case).first()
    return {"state": payment.state if payment else None}
