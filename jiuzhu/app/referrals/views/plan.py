"""救助方案: the unit's plan items, closing one, and a case's cooperation page (plan, referrals, timeline)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.listing import Column, shown_page, sorted_by
from jiuzhu.app.accounts.policy import allow, may, require
from jiuzhu.app.config import dates
from jiuzhu.app.referrals import access as referral_access
from jiuzhu.app.referrals.forms import CloseItemForm, PlanItemForm
from jiuzhu.app.referrals.models import OPEN_PLAN_STATES
from jiuzhu.app.referrals.services import plans
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.timeline import events_of
from jiuzhu.app.referrals.views.common import case_or_deny, plan_item_or_deny

# 救助方案事项's sortable columns
ITEM_COLUMNS = [Column("案件", lambda i: i.case.number, "case_id", "case"),
                Column("承办单位", lambda i: i.unit.name, "unit__name", "unit"),
                Column("期限", lambda i: i.due_date, "due_date", "due"),
                Column("状态", lambda i: i.get_state_display(), "state", "state")]


@allow("plan_item.list")
def plan_items(request: HttpRequest) -> HttpResponse:
    today = dates.today()
    items = referral_access.plan_items_for(request.user).select_related("case", "unit", "referral")
    show = request.GET.get("show", "open")
    if show == "open":
        items = items.filter(state__in=OPEN_PLAN_STATES)
    items, sort = sorted_by(request, items, ITEM_COLUMNS, "due")
    page, listing = shown_page(request, items, sort, object_type="referrals.plan_items")
    rows = [{"item": i, "overdue": i.is_open and i.due_date < today,
             "may_close": i.is_open and may(request.user, "plan_item.close", i)} for i in page.object_list]
    return render(request, "referrals/plan_items.html", {**listing, "rows": rows, "show": show})


@allow("plan_item.close")
def close_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = plan_item_or_deny(request, pk)
    form = CloseItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans.close_item(request.user, item, state=data["state"], result=data["result"], amount_fen=data["amount"],
                             reason=data["reason"])
        except ReferralError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, "事项已办结")
            return redirect("referrals:plan_items")
    return render(request, "referrals/close_item.html", {"item": item, "form": form})


@allow("case.cooperation")
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    """协作: everything the units of one case share about it."""
    case = case_or_deny(request, pk)
    audit.record(request, "view", case, detail={"page": "cooperation"})
    form = PlanItemForm(request.POST or None)
    if request.method == "POST":
        require(request, "plan_item.add", case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = plans.add_item(request.user, case, kind=data["kind"], description=data["description"],
                                  due_date=data["due_date"], refer=data["refer"], unit=data["unit"])
        except ReferralError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, f"已增加事项“{item.get_kind_display()}”，由{item.unit.name}落实")
            return redirect("referrals:case", pk=case.pk)
    visible = referral_access.referrals_for(request.user)
    return render(request, "referrals/case.html", {
        "case": case,
        "events": events_of(case),
        "items": case.plan_items.select_related("unit", "referral"),
        "referrals": case.referrals.select_related("to_unit", "from_unit"),
        "visible_referrals": set(visible.filter(case=case).values_list("pk", flat=True)),
        "units": [cu.unit for cu in case.case_units.select_related("unit")],
        "form": form if may(request.user, "plan_item.add", case) else None,
    })
