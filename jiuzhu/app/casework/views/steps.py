"""The steps of a case, one POST view each: check the user may take it, call the service."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.casework.forms import (
    ApprovalForm,
    DateForm,
    MeetingForm,
    PaidForm,
    PartnerVisitForm,
    ReportForm,
    RouteNeedForm,
    ScheduleForm,
    TextForm,
    VisitNeedForm,
)
from jiuzhu.app.casework.services import approval, closing, decision, followup, payment, review, urgent
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.casework.views.common import form_errors, run_step, visible_case


def _handler_step(
    request: HttpRequest, pk: int, form_class, step, done, *, action: str = "case.handle"
) -> HttpResponse:
    """Check the user may take the step (the policy's `action`, default: the case's handler), validate the
    form, run it; `done` is the success message, or a function of the form's data giving it."""
    case = visible_case(request, pk, action)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        form_errors(request, form)
        return redirect("casework:case_detail", pk=case.pk)
    data = form.cleaned_data if form is not None else {}
    return run_step(request, case, lambda: step(case, data), done(data) if callable(done) else done)


@require_POST
@allow("case.handle")
def save_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_step(request, pk, ReportForm,
                         lambda case, d: review.write_report(case, by=request.user, **ReportForm.service_fields_of(d)),
                         "审查报告已保存")


@require_POST
@allow("case.handle")
def add_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_step(request, pk, MeetingForm,
                         lambda case, d: review.add_meeting(case, by=request.user, **d), "联合研判已记录")


@require_POST
@allow("case.handle")
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_step(request, pk, None, lambda case, d: review.submit(case, by=request.user), "已提交审批")


@require_POST
@allow("case.handle")
def mark_urgent(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_step(request, pk, TextForm,
                         lambda case, d: urgent.mark_urgent(case, by=request.user, reason=d["text"]),
                         "已标记先行救助")


@require_POST
@allow("case.handle")
def complete_paperwork(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_step(request, pk, TextForm,
                         lambda case, d: urgent.complete_paperwork(case, by=request.user, note=d["text"]),
                         "先行救助手续已补办")


@require_POST
@allow("case.handle")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_step(request, pk, None, lambda case, d: decision.decide(case, by=request.user),
                         "已作出决定，可下载决定文书")


@require_POST
@allow("case.handle")
def notified(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_step(request, pk, DateForm,
                         lambda case, d: payment.record_notified(case, by=request.user, on=d["on"]),
                         "已记录通知申请人")


@require_POST
@allow("case.handle")
def schedule_visit(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_step(request, pk, ScheduleForm,
                         lambda case, d: followup.schedule(case, by=request.user, planned_on=d["planned_on"]),
                         "已安排回访")


@require_POST
@allow("case.handle")
def record_visit(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    def step(case, d):
        visit = get_object_or_404(case.follow_ups, pk=visit_pk)
        followup.record_visit(visit, by=request.user, visitors=d["visitors"], situation=d["situation"],
                              further_needs=d["further_needs"], units=d["units"], on=d["done_on"],
                              need_kind=d["need_kind"])

    return _handler_step(request, pk, VisitNeedForm, step, "回访已记录")


@require_POST
@allow("case.partner_visit")
def partner_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner unit's own visit on a case it takes part in; a need goes to the handler as a proposal."""
    def step(case, d):
        followup.record_partner_visit(case, by=request.user, visitors=d["visitors"], situation=d["situation"],
                                      further_needs=d["further_needs"], need_kind=d["need_kind"], on=d["done_on"])

    return _handler_step(request, pk, PartnerVisitForm, step,
                         lambda d: "回访已记录" + ("，需求已提交检察院" if d["further_needs"] else ""),
                         action="case.partner_visit")


@require_POST
@allow("case.handle")
def route_need(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    def step(case, d):
        visit = get_object_or_404(case.follow_ups, pk=visit_pk)
        followup.route_need(visit, by=request.user, kind=d["kind"], due_date=d["due_date"], refer=d["refer"],
                            unit=d["unit"])

    return _handler_step(request, pk, RouteNeedForm, step, "已纳入救助方案")


@require_POST
@allow("case.handle")
def decline_need(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    def step(case, d):
        followup.decline_need(get_object_or_404(case.follow_ups, pk=visit_pk), by=request.user, reason=d["text"])

    return _handler_step(request, pk, TextForm, step, "已记录不纳入的理由")


@require_POST
@allow("case.handle")
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_step(request, pk, TextForm,
                         lambda case, d: closing.close(case, by=request.user, outcome=d["text"]), "已结案")


@require_POST
@allow("case.approve")
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk, "case.approve")
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("casework:case_detail", pk=case.pk)
    d = form.cleaned_data
    try:
        approval.decide_level(case, by=request.user, agreed=d["agreed"], opinion=d["opinion"])
    except CaseworkError as err:
        messages.error(request, str(err))
        return redirect("casework:case_detail", pk=case.pk)
    messages.success(request, f"{case.number} 审批意见已提交")
    return redirect("casework:approvals")


def _finance_step(request: HttpRequest, pk: int, form_class, step, done: str) -> HttpResponse:
    case = visible_case(request, pk, "case.pay")
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("casework:case_detail", pk=case.pk)
    return run_step(request, case, lambda: step(case, form.cleaned_data), done)


@require_POST
@allow("case.pay")
def request_funds(request: HttpRequest, pk: int) -> HttpResponse:
    return _finance_step(request, pk, DateForm,
                         lambda case, d: payment.request_funds(case, by=request.user, on=d["on"]), "已申请资金")


@require_POST
@allow("case.pay")
def funds_received(request: HttpRequest, pk: int) -> HttpResponse:
    return _finance_step(request, pk, DateForm,
                         lambda case, d: payment.record_received(case, by=request.user, on=d["on"]),
                         "已登记资金到账")


@require_POST
@allow("case.pay")
def paid(request: HttpRequest, pk: int) -> HttpResponse:
    return _finance_step(request, pk, PaidForm, lambda case, d: payment.record_paid(
        case, by=request.user, method=d["method"], receipt_no=d["receipt_no"], account=d["account"],
        on=d["paid_on"]), "已发放")
