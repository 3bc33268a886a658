"""The lists people work from: approvals waiting for me, payments, my deadlines."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.policy import LEADERS, allow
from jiuzhu.app.casework import access, deadlines
from jiuzhu.app.casework.models import CaseState, TaskKind
from jiuzhu.app.casework.services import approval
from jiuzhu.app.web import workday


@allow("case.approvals")
def approvals(request: HttpRequest) -> HttpResponse:
    waiting = workday.waiting_approvals(request.user)
    rows = [{"case": c, "level": approval.pending_level(c), "status": deadlines.status(c.review_due)}
            for c in waiting]
    audit.record(request, "view", object_type="casework.approvals", detail={"count": len(rows)})
    return render(request, "casework/approvals.html", {"rows": rows})


@allow("case.payments")
def payments(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    if show == "todo":  # the landing page's 待发放救助金
        cases = workday.payments_to_make(request.user)
    else:
        cases = access.cases_for(request.user).filter(state__in=(CaseState.GRANTED, CaseState.PAYING, CaseState.PAID))
    cases = cases.select_related("decision").order_by("state", "-id")
    rows = []
    for c in cases:
        p = getattr(c, "payment", None) if hasattr(c, "payment") else None
        rows.append({"case": c, "payment": p,
                     "notify_status": deadlines.status(p.notify_due, p.notified_on) if p else ""})
    audit.record(request, "view", object_type="casework.payments", detail={"count": len(rows)})
    return render(request, "casework/payments.html", {"rows": rows, "show": show})


@allow("home")
def my_deadlines(request: HttpRequest) -> HttpResponse:
    """我的期限: casework's tasks, and the referrals and plan items the user's unit owes."""
    mine, others = workday.deadline_rows(request.user)
    unit = deadlines.annotate(deadlines.unit_tasks(request.user))
    counts = {s: workday.count_status(mine, s) + workday.count_status(others, s) for s in ("overdue", "soon")}
    unit_counts = {s: workday.count_status(unit, s) for s in ("overdue", "soon")}
    show = request.GET.get("show", "")
    if show in ("overdue", "soon"):
        mine = [r for r in mine if r["status"] == show]
        others = [r for r in others if r["status"] == show]
        unit = [r for r in unit if r["status"] == show]
    elif show == "follow_up":  # the landing page's 待回访
        mine = [r for r in mine if r["task"].kind == TaskKind.FOLLOW_UP]
        others, unit = [], []
    return render(request, "casework/deadlines.html", {
        "mine": mine, "others": others, "unit": unit, "counts": counts, "unit_counts": unit_counts, "show": show,
        "leader": request.profile.role in LEADERS})
