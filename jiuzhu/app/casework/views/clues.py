"""核查 on the clue pages: assign (from the queue, ticked clues at once, or one clue), conclude, and the
clue page's 核查 sections (clues.sections). The paths stay under /clues/ (jiuzhu/app/casework/clue_urls.py)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiuzhu.app.accounts.access import deny
from jiuzhu.app.accounts.models import Profile, Role
from jiuzhu.app.accounts.policy import allow, get_visible_or_404
from jiuzhu.app.casework import signals
from jiuzhu.app.casework.forms import ConcludeForm, blank_conclude_form
from jiuzhu.app.casework.models import Outcome, Verification
from jiuzhu.app.casework.services import verification
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.casework.services.notices import one_notice_per_owner
from jiuzhu.app.clues import access
from jiuzhu.app.clues.models import Clue
from jiuzhu.app.config import due


@require_POST
@allow("clue.assign")
def assign_batch(request: HttpRequest) -> HttpResponse:
    """A leader assigns the ticked clues of the queue to one handler (each through the one assign step)."""
    if not access.can_assign(request.user):
        raise deny(request, "clues.queue", "assign")
    profile = Profile.objects.filter(pk=request.POST.get("handler"), unit=request.profile.unit,
                                     role=Role.HANDLER).select_related("user").first()
    ids = [int(x) for x in request.POST.getlist("clue") if x.isdigit()][:500]
    back = reverse("clues:queue") + (f"?{request.POST['query']}" if request.POST.get("query") else "")
    if profile is None or not ids:
        messages.error(request, "请勾选线索并选择承办检察官")
        return redirect(back)
    done, failed = 0, []
    with one_notice_per_owner("{n}条线索已分派给您核查，最早核查期限{due}", reverse("clues:queue")):
        for clue in access.clues_for(request.user).filter(pk__in=ids):
            if not access.is_procuratorate_clue(clue):
                failed.append(f"{clue.pk}（不属检察院办理）")
                continue
            try:
                verification.assign(clue, profile.user, by=request.user)
                done += 1
            except CaseworkError as err:
                failed.append(f"{clue.pk}（{err}）")
    messages.success(request, f"已分派{done}条线索给{profile.display_name}")
    if failed:
        messages.error(request, "未能分派：" + "；".join(failed[:20]))
    return redirect(back)


def _visible(request: HttpRequest, pk: int) -> Clue:
    return get_visible_or_404(request, Clue, pk, "clue.work")


@require_POST
@allow("clue.work")
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader assigns a clue to a handler; a handler takes an unassigned clue of their queue."""
    clue = _visible(request, pk)
    if access.can_assign(request.user):
        profile = get_object_or_404(Profile, pk=request.POST.get("handler"), unit=request.profile.unit,
                                    role=Role.HANDLER)
        handler = profile.user
    elif access.can_work_clue(request.user, clue, seen=True) and not hasattr(clue, "verification"):
        handler = request.user
    else:
        raise deny(request, "clues.clue", str(pk))
    try:
        v = verification.assign(clue, handler, by=request.user)
    except CaseworkError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, f"已分派给{handler.profile.display_name}，核查期限{v.due_on:%Y-%m-%d}")
    if request.POST.get("next") == "queue":
        return redirect("clues:queue")
    return redirect("clues:detail", pk=clue.pk)


@require_POST
@allow("clue.work")
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _visible(request, pk)
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择核查结论")
        return redirect("clues:detail", pk=clue.pk)
    d = form.cleaned_data
    if d["outcome"] == Outcome.ACCEPT:  # 立案 is 受理: the case form, prefilled from the clue
        return redirect(reverse("casework:new_case") + f"?clue={clue.pk}")
    try:
        with transaction.atomic():
            if not hasattr(clue, "verification"):
                verification.assign(clue, request.user, by=request.user)
            verification.conclude(clue, d["outcome"], by=request.user, reason=d["reason"],
                                  findings=d["findings"], refer_to=d["refer_to"])
            sent = _send_referral(request.user, clue, d) if d["outcome"] == Outcome.REFER else ""
    except CaseworkError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, f"核查结论已记录：{Outcome(d['outcome']).label}{sent}")
    return redirect("clues:detail", pk=clue.pk)


def _send_referral(user, clue: Clue, d: dict) -> str:
    """移送他单位 delivers the clue to the unit's inbox: the part that sends referrals answers
    ``clue_referred`` (referrals.signals.refer_concluded_clue), inside this transaction."""
    replies = signals.clue_referred.send(sender=None, user=user, clue=clue, unit=d["refer_to"], reason=d["reason"])
    return "".join(note for _, note in replies)


# What the clue page's 核查 section reads of the clue: fetched with it (clues.sections.add's `related`).
SECTION_RELATED = ("verification__handler__profile", "verification__refer_to", "case")


def _verification_of(clue: Clue) -> Verification | None:
    """The clue's 核查 with its handler's profile and the unit it went to in the same query, kept as
    ``clue.verification`` (None when there is none) for the checks that read it after; the one fetched with
    the clue when it was (SECTION_RELATED)."""
    if Clue.verification.related.is_cached(clue):
        return getattr(clue, "verification", None)
    v = Verification.objects.select_related("handler__profile", "refer_to").filter(clue=clue).first()
    Clue.verification.related.set_cached_value(clue, v)
    return v


def clue_sections(request: HttpRequest, clue: Clue) -> dict[str, str]:
    """The clue page's 核查: the handler, due date, conclusion and case among its facts; 分派 and 核查结论
    below, for the procuratorate while the clue is open."""
    v = _verification_of(clue)
    case = getattr(clue, "case", None) if hasattr(clue, "case") else None
    context = {
        "clue": clue, "v": v, "case": case, "partner": not request.profile.in_procuratorate,
        "status": due.status(v.due_on, v.decided_on) if v else "",
        # the clue page shows only a clue the user sees: clues.views.detail checked it
        "can_work": access.can_work_clue(request.user, clue, seen=True), "can_assign": access.can_assign(request.user),
        "form": blank_conclude_form, "handlers": Profile.objects.filter(unit=request.profile.unit, role=Role.HANDLER),
        # rendered without the request: its context processors (menu, notices) are the page's, already run
        # once for it; the forms' {% csrf_token %} needs only the token
        **csrf(request)}
    return {slot: render_to_string(f"casework/_clue_{slot}.html", context) for slot in ("facts", "steps")}
