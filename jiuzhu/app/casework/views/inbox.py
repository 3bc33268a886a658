"""The lists people work from: approvals waiting for me, payments, my deadlines; each by pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.listing import Column, section, shown_page, sorted_by
from jiuzhu.app.accounts.policy import LEADERS, allow
from jiuzhu.app.casework import access, deadlines
from jiuzhu.app.casework.models import CaseState, TaskKind
from jiuzhu.app.casework.worklists import payments_to_make, waiting_approvals
from jiuzhu.app.config import due

# 发放's sortable columns (the list itself shows more; these are what ?sort= may name)
PAYMENT_COLUMNS = [Column("案号", lambda c: c.number, "id", "number"),
                   Column("救助对象", lambda c: c.person_name, "person_name", "person"),
                   Column("状态", lambda c: c.get_state_display(), "state", "state")]


@allow("case.approvals")
def approvals(request: HttpRequest) -> HttpResponse:
    waiting = section(request, waiting_approvals(request.user))
    rows = [{"case": c, "level": level, "status": due.status(c.review_due)} for c, level in waiting.rows]
    audit.record(request, "view", object_type="casework.approvals",
                 detail={"count": waiting.total, "page": waiting.page.number})
    return render(request, "casework/approvals.html", {"rows": rows, "waiting": waiting, "total": waiting.total})


@allow("case.payments")
def payments(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    if show == "todo":  # the landing page's 待发放救助金
        cases = payments_to_make(request.user)
    else:
        cases = access.cases_for(request.user).filter(state__in=(CaseState.GRANTED, CaseState.PAYING, CaseState.PAID))
    cases, sort = sorted_by(request, cases.select_related("decision", "payment"), PAYMENT_COLUMNS, "state")
    page, listing = shown_page(request, cases, sort, object_type="casework.payments")
    rows = []
    for c in page.object_list:
        p = getattr(c, "payment", None) if hasattr(c, "payment") else None
        rows.append({"case": c, "payment": p,
                     "notify_status": due.status(p.notify_due, p.notified_on) if p else ""})
    return render(request, "casework/payments.html", {**listing, "rows": rows, "show": show})


@allow("home")
def my_deadlines(request: HttpRequest) -> HttpResponse:
    """我的期限: casework's tasks, and the referrals and plan items the user's unit owes; each list by pages."""
    mine, others = deadlines.deadline_rows(request.user)
    leader = request.profile.role in LEADERS
    unit = deadlines.annotate(deadlines.unit_tasks(request.user)) if leader else []
    counts = {s: deadlines.count_status(mine, s) + deadlines.count_status(others, s) for s in ("overdue", "soon")}
    unit_counts = {s: deadlines.count_status(unit, s) for s in ("overdue", "soon")}
    show = request.GET.get("show", "")
    if show in ("overdue", "soon"):
        mine = [r for r in mine if r["status"] == show]
        others = [r for r in others if r["status"] == show]
        unit = [r for r in unit if r["status"] == show]
    elif show == "follow_up":  # the landing page's 待回访
        mine = [r for r in mine if r["task"].kind == TaskKind.FOLLOW_UP]
        others, unit = [], []
    return render(request, "casework/deadlines.html", {
        "mine": section(request, mine), "others": section(request, others, "others_page"),
        "unit": section(request, unit, "unit_page"), "counts": counts, "unit_counts": unit_counts, "show": show,
        "leader": leader})
