"""移送台账: every referral the user may see — filters with Chinese names, sorting, paging, Excel export."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiuzhu.app.accounts.access import shown_id
from jiuzhu.app.accounts.listing import Column, listed
from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.config import dates
from jiuzhu.app.config.models import HelpKind
from jiuzhu.app.referrals import access as referral_access
from jiuzhu.app.referrals.models import Referral, ReferralState


def _columns(user) -> list[Column]:
    today = dates.today()
    return [
        Column("文号", lambda r: r.number, "id", "number"),
        Column("事项", lambda r: r.get_kind_display(), "kind", "kind"),
        Column("救助对象", lambda r: r.person_name, "person_name", "person"),
        Column("身份证号", lambda r: shown_id(user, r.person_id_number)),
        Column("移送单位", lambda r: r.from_unit.name, "from_unit__name", "from"),
        Column("接收单位", lambda r: r.to_unit.name, "to_unit__name", "to"),
        Column("案件", lambda r: r.case.number if r.case_id else ""),
        Column("状态", lambda r: r.get_state_display(), "state", "state"),
        Column("发送时间", lambda r: timezone.localtime(r.sent_at).strftime("%Y-%m-%d %H:%M"), "sent_at", "sent"),
        Column("当前期限", lambda r: r.due_date()),
        Column("超期", lambda r: "是" if r.is_overdue(today) or r.was_overdue(today) else ""),
        Column("办理结果", lambda r: r.get_result_display() if r.result else ""),
        Column("退回理由", lambda r: r.return_reason),
    ]


def _filtered(request: HttpRequest):
    f = request.GET
    unit = request.profile.unit
    referrals = referral_access.referrals_for(request.user).select_related("from_unit", "to_unit", "case")
    if f.get("state") in ReferralState.values:
        referrals = referrals.filter(state=f["state"])
    if f.get("kind") in HelpKind.values:
        referrals = referrals.filter(kind=f["kind"])
    if f.get("direction") == "in":
        referrals = referrals.filter(to_unit=unit)
    elif f.get("direction") == "out":
        referrals = referrals.filter(from_unit=unit)
    if f.get("unit", "").isdigit():
        other = int(f["unit"])
        referrals = referrals.filter(Q(from_unit_id=other) | Q(to_unit_id=other))
    if f.get("overdue") == "1":
        referrals = referrals.filter(pk__in=Referral.objects.overdue(dates.today()).values("pk"))
    if f.get("year", "").isdigit():
        referrals = referrals.filter(sent_at__year=int(f["year"]))
    q = f.get("q", "").strip()
    if q:
        referrals = referrals.filter(Q(number__icontains=q) | Q(person_name__icontains=q))
    return referrals


@allow("referral.list")
def ledger(request: HttpRequest) -> HttpResponse:
    result = listed(request, _filtered(request), _columns(request.user), "-sent", title="移送台账",
                    object_type="referrals.ledger")
    if isinstance(result, HttpResponse):
        return result
    page, listing = result
    today = dates.today()
    rows = [{"r": r, "due": r.due_date(), "overdue": r.is_overdue(today)} for r in page.object_list]
    return render(request, "referrals/ledger.html", {
        **listing, "rows": rows, "states": ReferralState.choices, "kinds": HelpKind.choices,
        "units": Unit.objects.filter(active=True).exclude(pk=request.profile.unit_id).order_by("name")})
