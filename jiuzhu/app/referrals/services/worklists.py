"""What a unit owes in the referral work — referrals to sign or answer, plan items, meeting decisions — as
the inbox, the plan-item list, the landing page and 我的期限 show it (one query for each)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.urls import reverse

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.config import due
from jiuzhu.app.referrals import access as referral_access
from jiuzhu.app.referrals.models import OPEN_PLAN_STATES, PENDING_STATES, PlanItem, Referral, due_date_q
from jiuzhu.app.referrals.services.meetings import decisions_for_unit


def _received(user) -> QuerySet[Referral]:
    profile = profile_of(user)
    if profile is None:
        return Referral.objects.none()
    return referral_access.referrals_for(user).filter(to_unit=profile.unit, state__in=PENDING_STATES)


def referrals_to_do(user) -> list[Referral]:
    """Referrals the user's unit must sign or answer, by due date (the inbox's 待办)."""
    received = _received(user).select_related("from_unit", "to_unit", "case")
    return sorted(received, key=lambda r: (r.due_date(), r.pk))


def open_plan_items(user) -> QuerySet[PlanItem]:
    """Plan items the user's unit owes (a partner unit), or of the user's cases (the procuratorate)."""
    return referral_access.plan_items_for(user).filter(state__in=OPEN_PLAN_STATES)


def unit_plan_items(user) -> QuerySet[PlanItem]:
    """The plan items routed to the user's own unit: these are its deadlines."""
    profile = profile_of(user)
    if profile is None:
        return PlanItem.objects.none()
    return open_plan_items(user).filter(unit=profile.unit).select_related("case", "unit")


def deadline_rows(user, on: date) -> list[dict]:
    """The referral work's rows of 我的期限 (casework/deadlines.py shows them; this part registers them
    there when Django starts): referrals to sign or answer, meeting decisions, plan items."""
    rows = []
    for r in referrals_to_do(user):
        step = "签收" if r.state == "sent" else "反馈"
        rows.append({"title": f"{step}移送{r.number}（{r.get_kind_display()}，{r.from_unit.name}）",
                     "link": reverse("referrals:detail", args=[r.pk]), "due": r.due_date(),
                     "status": due.status(r.due_date(), on=on)})
    for d in decisions_for_unit(user):
        rows.append({"title": f"落实{d.meeting.held_on:%Y-%m-%d}定期会商议定事项：{d.text[:30]}",
                     "link": reverse("referrals:meeting", args=[d.meeting_id]), "due": d.due_date,
                     "status": due.status(d.due_date, on=on)})
    for item in unit_plan_items(user):
        rows.append({"title": f"落实救助方案事项：{item.get_kind_display()}（{item.case.number}）",
                     "link": reverse("referrals:plan_items"), "due": item.due_date,
                     "status": due.status(item.due_date, on=on)})
    return rows


def deadline_counts(user, on: date) -> dict[str, int]:
    """How many of ``deadline_rows(user, on)`` are overdue and due soon, counted in the database (a referral's
    due date is its receipt limit while sent, its answer limit once received: ``Referral.due_date``); and, by
    the same queries, the landing page's "to_do" (how many ``referrals_to_do``) and "plan_items" (how many
    ``unit_plan_items``)."""
    statuses = due.due_filters("due_date", on)
    referral_due = {s: due_date_q(lambda field, s=s: due.due_filters(field, on)[s]) for s in statuses}
    received = due.count_due(_received(user), referral_due, total=True)
    items = due.count_due(unit_plan_items(user), statuses, total=True)
    found = [received, due.count_due(decisions_for_unit(user), statuses), items]
    return {**{s: sum(f[s] for f in found) for s in statuses}, "to_do": received["total"],
            "plan_items": items["total"]}
