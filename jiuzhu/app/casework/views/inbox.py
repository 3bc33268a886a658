"""The lists people work from: approvals waiting for me, payments, my deadlines."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import role_required
from jiuzhu.app.accounts.models import Role
from jiuzhu.app.casework import access, deadlines
from jiuzhu.app.casework.models import CaseState
from jiuzhu.app.casework.services import approval


@role_required(Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF)
def approvals(request: HttpRequest) -> HttpResponse:
    waiting = [c for c in access.cases_for(request.user).filter(state=CaseState.APPROVING)
               .select_related("report", "handler__profile")
               if approval.may_approve(request.user, c)]
    rows = [{"case": c, "level": approval.pending_level(c), "status": deadlines.status(c.review_due)}
            for c in waiting]
    audit.record(request, "view", object_type="casework.approvals", detail={"count": len(rows)})
    return render(request, "casework/approvals.html", {"rows": rows})


@role_required(Role.FINANCE)
def payments(request: HttpRequest) -> HttpResponse:
    cases = (access.cases_for(request.user).filter(state__in=(CaseState.GRANTED, CaseState.PAYING, CaseState.PAID))
             .select_related("decision").order_by("state", "-id"))
    rows = []
    for c in cases:
        p = getattr(c, "payment", None) if hasattr(c, "payment") else None
        rows.append({"case": c, "payment": p,
                     "notify_status": deadlines.status(p.notify_due, p.notified_on) if p else ""})
    audit.record(request, "view", object_type="casework.payments", detail={"count": len(rows)})
    return render(request, "casework/payments.html", {"rows": rows})


@role_required()
def my_deadlines(request: HttpRequest) -> HttpResponse:
    mine = deadlines.annotate(deadlines.tasks_for(request.user))
    unit = deadlines.annotate(deadlines.unit_tasks(request.user))
    counts = {"overdue": sum(r["status"] == "overdue" for r in mine),
              "soon": sum(r["status"] == "soon" for r in mine)}
    unit_counts = {"overdue": sum(r["status"] == "overdue" for r in unit),
                   "soon": sum(r["status"] == "soon" for r in unit)}
    show = request.GET.get("show", "")
    if show in ("overdue", "soon"):
        mine = [r for r in mine if r["status"] == show]
        unit = [r for r in unit if r["status"] == show]
    return render(request, "casework/deadlines.html", {
        "mine": mine, "unit": unit, "counts": counts, "unit_counts": unit_counts, "show": show,
        "leader": request.profile.role in access.LEADERS})
