"""移送收件箱: what the user's unit has to sign and answer, with due dates; overdue rows red."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.referrals.models import PENDING_STATES, ReferralState
from jiuzhu.app.referrals.services import scope
from jiuzhu.app.web import workday


def _rows(referrals, today):
    return [{"r": r, "due": r.due_date(), "overdue": r.is_overdue(today)} for r in referrals]


@allow("referral.list")
def inbox(request: HttpRequest) -> HttpResponse:
    profile = request.profile
    today = timezone.localdate()
    mine = scope.referrals_for(request.user).select_related("from_unit", "to_unit", "case")
    state = request.GET.get("state", "")
    if state in ReferralState.values:
        mine = mine.filter(state=state)
    received = mine.filter(to_unit=profile.unit)
    if state:
        to_do = sorted((r for r in received if r.state in PENDING_STATES), key=lambda r: (r.due_date(), r.pk))
    else:  # the landing page counts this list
        to_do = workday.referrals_to_do(request.user)
    return render(request, "referrals/inbox.html", {
        "to_do": _rows(to_do, today),
        "done": _rows(received.exclude(state__in=PENDING_STATES)[:100], today),
        "sent": _rows(mine.filter(from_unit=profile.unit)[:200], today),
        "states": ReferralState.choices, "state": state, "today": today,
    })
