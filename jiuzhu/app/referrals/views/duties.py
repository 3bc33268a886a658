"""各单位职责清单: who takes which kind of help, who to call, and how long they have — for every user."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.config.duties import leaders_of, liaisons_of
from jiuzhu.app.config.models import ResponsibilityList, TimeLimit


@allow("home")
def duties(request: HttpRequest) -> HttpResponse:
    limits = {t.code: t.describe() for t in TimeLimit.objects.all()}
    rows = []
    for d in ResponsibilityList.objects.filter(active=True, unit__active=True).select_related("unit"):
        rows.append({
            "d": d,
            "liaisons": [getattr(u, "profile", None) for u in liaisons_of(d.unit)],
            "leaders": [getattr(u, "profile", None) for u in leaders_of(d.unit)],
            "receipt": limits.get(d.receipt_limit_code, d.receipt_limit_code),
            "answer": limits.get(d.answer_limit_code, d.answer_limit_code),
        })
    return render(request, "referrals/duties.html", {"rows": rows})
