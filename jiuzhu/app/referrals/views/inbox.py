"""移送收件箱: what the user's unit has to sign and answer, with due dates; overdue rows red; each list by pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.app.accounts.listing import Section, section
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.config import dates
from jiuzhu.app.referrals import access as referral_access
from jiuzhu.app.referrals.models import PENDING_STATES, ReferralState
from jiuzhu.app.referrals.services.worklists import referrals_to_do


def _rows(part: Section, today) -> list[dict]:
    return [{"r": r, "due": r.due_date(), "overdue": r.is_overdue(today)} for r in part.rows]


@allow("referral.list")
def inbox(request: HttpRequest) -> HttpResponse:
    profile = request.profile
    today = dates.today()
    mine = referral_access.referrals_for(request.user).select_related("from_unit", "to_unit", "case")
    state = request.GET.get("state", "")
    if state in ReferralState.values:
        mine = mine.filter(state=state)
    received = mine.filter(to_unit=profile.unit)
    if state:
        to_do = sorted((r for r in received if r.state in PENDING_STATES), key=lambda r: (r.due_date(), r.pk))
    else:  # the landing page counts this list
        to_do = referrals_to_do(request.user)
    parts = {"to_do": section(request, to_do),
             "done": section(request, received.exclude(state__in=PENDING_STATES), "done_page"),
             "sent": section(request, mine.filter(from_unit=profile.unit), "sent_page")}
    return render(request, "referrals/inbox.html", {
        **parts, **{f"{name}_rows": _rows(part, today) for name, part in parts.items()},
        "states": ReferralState.choices, "state": state, "today": today,
    })
