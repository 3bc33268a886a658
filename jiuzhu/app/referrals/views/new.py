"""Sending a referral: the procuratorate refers a case or clue to a unit; a unit sends the procuratorate a clue."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.config.models import HelpKind
from jiuzhu.app.referrals.forms import ReferralForm
from jiuzhu.app.referrals.services import flow
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.routing import unit_for
from jiuzhu.app.referrals.views.common import case_or_deny


@allow("referral.send")
def new(request: HttpRequest) -> HttpResponse:
    profile = request.profile
    case = (
        case_or_deny(request, int(request.GET["case"]), "case.view") if request.GET.get("case", "").isdigit() else None
    )
    initial = {}
    if case is not None:
        # the ID goes with the case when sent; only roles that see it whole get it in the form
        initial = {"person_name": case.person_name,
                   "person_id_number": case.person_id_number if profile.sees_full_id else ""}
    if not profile.in_procuratorate:
        initial["kind"] = HelpKind.JUDICIAL_AID
    form = ReferralForm(request.POST or None, initial=initial)
    if not profile.in_procuratorate:  # a partner unit sends to the procuratorate only
        form.fields["to_unit"].queryset = Unit.objects.filter(code="procuratorate")
        form.fields["to_unit"].empty_label = "检察院"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            to_unit = data["to_unit"] or _routed(profile, data["kind"])
            referral = flow.send(request.user, to_unit=to_unit, kind=data["kind"], person_name=data["person_name"],
                                 facts=data["facts"], request=data["request"], case=case,
                                 person_id_number=case.person_id_number if case else data["person_id_number"],
                                 phone=data["phone"], address=data["address"])
        except ReferralError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, f"已向{to_unit.name}发出{referral.letter_title}{referral.number}")
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/new.html", {"form": form, "case": case})


def _routed(profile, kind: str) -> Unit:
    """A partner unit always sends to the procuratorate; the procuratorate follows the 职责清单."""
    if not profile.in_procuratorate:
        return Unit.objects.get(code="procuratorate")
    return unit_for(kind)
