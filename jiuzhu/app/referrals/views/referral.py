"""The referral page, its letter, and the receiving unit's steps: sign, start, answer, return."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import shown_id
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.config.dates import working_days_left
from jiuzhu.app.referrals.forms import AnswerForm, ReturnForm
from jiuzhu.app.referrals.services import flow
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.letters import letter_docx
from jiuzhu.app.referrals.views.common import referral_or_deny


@allow("referral.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_or_deny(request, pk)
    audit.record(request, "view", referral)
    due = referral.due_date()
    return render(request, "referrals/detail.html", {
        "r": referral,
        "id_shown": shown_id(request.user, referral.person_id_number),
        "may_act": flow.may_act(request.user, referral),
        "due": due,
        "days_left": working_days_left(due) if due else None,
        "overdue": referral.is_overdue(),
        "result_text": flow.describe_result(referral) if referral.result else "",
        "answer_form": AnswerForm(), "return_form": ReturnForm(),
        "plan_items": referral.plan_items.all(),
    })


@allow("referral.view")
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_or_deny(request, pk)
    audit.record(request, "export", referral, detail={"document": referral.letter_title})
    body = letter_docx(referral, shown_id(request.user, referral.person_id_number))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    name = f"{referral.letter_title}-{referral.pk}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _step(request: HttpRequest, pk: int, do) -> HttpResponse:
    referral = referral_or_deny(request, pk, "referral.act")
    try:
        do(referral)
    except ReferralError as err:
        messages.error(request, str(err))
    return redirect("referrals:detail", pk=referral.pk)


@require_POST
@allow("referral.act")
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    def do(referral):
        flow.sign(request.user, referral)
        messages.success(request, "已签收")

    return _step(request, pk, do)


@require_POST
@allow("referral.act")
def start(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda referral: flow.start(request.user, referral))


@require_POST
@allow("referral.act")
def return_referral(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)

    def do(referral):
        if not form.is_valid():
            raise ReferralError("退回须写明理由")
        flow.return_referral(request.user, referral, reason=form.cleaned_data["reason"])
        messages.success(request, "已退回移送单位")

    return _step(request, pk, do)


@allow("referral.act")
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_or_deny(request, pk, "referral.act")
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            flow.answer(request.user, referral, result=data["result"], note=data["note"],
                        monthly_amount_fen=data["monthly_amount"], once_amount_fen=data["once_amount"],
                        effective_date=data["effective_date"], now=timezone.now())
        except ReferralError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, "已反馈办理结果")
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/answer.html", {"r": referral, "form": form})
