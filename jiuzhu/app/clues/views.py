"""The clue queue (filters, special-team queue, assignment) and the clue page (person, every
supporting record with file and row, why the records were linked, the verification outcome)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import deny, role_required, shown_id
from jiuzhu.app.accounts.models import Profile, Role, Unit
from jiuzhu.app.casework import deadlines
from jiuzhu.app.casework.models import Outcome
from jiuzhu.app.casework.services import verification
from jiuzhu.app.casework.services.common import today
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.clues import access, evidence, services
from jiuzhu.app.clues.models import OPEN_STATES, Clue, ClueState, UnitOutcome
from jiuzhu.engine.identity.calendar import add_working_days
from jiuzhu.engine.region import current_region

PROCURATORATE = (Role.HANDLER, Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF)
CLUE_ROLES = (*PROCURATORATE, Role.LIAISON, Role.UNIT_LEADER)
PAGE = 200


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="答复", choices=UnitOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="说明（不符合条件、转检察院须写明理由）", widget=forms.Textarea(attrs={"rows": 2}),
                           required=False)


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label="核查结论", choices=Outcome.choices)
    findings = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reason = forms.CharField(label="理由（移送、排除必填）", required=False)
    refer_to = forms.ModelChoiceField(label="移送单位", queryset=Unit.objects.exclude(code="procuratorate"),
                                      required=False)


def _filtered(request: HttpRequest, clues):
    f = request.GET
    partner = not request.profile.in_procuratorate
    if f.get("rule"):
        clues = clues.filter(rule=f["rule"])
    if f.get("tag"):
        clues = clues.filter(access.with_any_tag([f["tag"]]))
    if f.get("priority", "").isdigit():
        clues = clues.filter(priority__gte=int(f["priority"]))
    if f.get("township"):
        clues = clues.filter(facts__township=f["township"])
    if f.get("state") in ClueState.values:
        clues = clues.filter(state=f["state"])
    elif not f.get("state") and partner:  # a partner's to-do: what its unit still owes an answer to
        clues = clues.filter(target_unit=request.profile.unit.code, unit_outcome="", state__in=OPEN_STATES)
    elif not f.get("state"):
        clues = clues.filter(state__in=OPEN_STATES)
    on = today()
    if f.get("due") == "overdue":
        clues = clues.filter(verification__due_on__lt=on, verification__outcome="")
    elif f.get("due") == "soon":
        clues = clues.filter(verification__due_on__gte=on, verification__outcome="",
                             verification__due_on__lte=add_working_days(on, deadlines.SOON_WORKING_DAYS))
    return clues


@role_required(*CLUE_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    team = request.GET.get("queue") == "team"
    base = access.team_queue(request.user) if team else access.clues_for(request.user)
    clues = _filtered(request, base).select_related("verification__handler__profile").order_by("-priority", "id")
    total = clues.count()
    rows = [{"clue": c, "v": getattr(c, "verification", None) if hasattr(c, "verification") else None}
            for c in clues[:PAGE]]
    for r in rows:
        r["status"] = deadlines.status(r["v"].due_on, r["v"].decided_on) if r["v"] else ""
    audit.record(request, "view", object_type="clues.queue", detail={"count": total, "team": team})
    handlers = Profile.objects.filter(unit=request.profile.unit, role=Role.HANDLER).select_related("user")
    return render(request, "clues/queue.html", {
        "rows": rows, "total": total, "team": team, "f": request.GET,
        "rules": sorted(set(access.clues_for(request.user).values_list("rule", flat=True))),
        "tags": ("未成年人", "残疾人", "退役军人", "老年人", "妇女"),
        "townships": current_region().townships, "states": ClueState.choices,
        "has_team": request.user.teams.exists(), "can_assign": access.can_assign(request.user),
        "handlers": handlers})


def _visible(request: HttpRequest, pk: int) -> Clue:
    clue = get_object_or_404(Clue, pk=pk)
    if not access.can_view_clue(request.user, clue):
        raise deny(request, "clues.clue", str(pk))
    return clue


@role_required(*CLUE_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _visible(request, pk)
    partner = not request.profile.in_procuratorate
    # A partner unit checks eligibility by the full ID number: shown to it, and the view says so.
    person_id = clue.person_id_number if partner else shown_id(request.user, clue.person_id_number)
    audit.record(request, "view", clue, detail={"full_id": bool(person_id) and "*" not in person_id})
    v = getattr(clue, "verification", None) if hasattr(clue, "verification") else None
    clue_ids = [r.get("record_id", "") for r in clue.records or []]
    from jiuzhu.app.persons.access import record_filter

    linkage = evidence.explain(clue.person_key, clue_ids, record_filter(request.user, set(clue_ids)))
    others = access.clues_for(request.user).filter(person_key=clue.person_key).exclude(pk=clue.pk) \
        .order_by("-first_seen")[:20]
    records = [dict(r, how=linkage.methods.get(r.get("record_id", ""), "")) for r in clue.records or []]
    case = getattr(clue, "case", None) if hasattr(clue, "case") else None
    return render(request, "clues/detail.html", {
        "clue": clue, "v": v, "person_id": person_id, "records": records, "partner": partner,
        "can_answer": services.may_answer(request.user, clue), "answer_form": AnswerForm(),
        "rule_date": services.rule_version_date(clue), "others": others,
        "linkage": linkage, "case": case, "can_work": access.can_work_clue(request.user, clue),
        "can_assign": access.can_assign(request.user), "form": ConcludeForm(),
        "status": deadlines.status(v.due_on, v.decided_on) if v else "",
        "handlers": Profile.objects.filter(unit=request.profile.unit, role=Role.HANDLER)})


@require_POST
@role_required(Role.LIAISON, Role.UNIT_LEADER)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The target unit's answer to its clue (the same service as the token API)."""
    clue = _visible(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择答复：纳入帮扶、不符合条件、已在册或转检察院")
        return redirect("clues:detail", pk=clue.pk)
    try:
        clue = services.conclude_clue(clue, form.cleaned_data["outcome"], form.cleaned_data["note"],
                                      request.user, request=request)
    except services.ClueError as err:
        messages.error(request, str(err).split(" / ")[0])
    else:
        messages.success(request, f"已答复：{clue.get_unit_outcome_display()}")
    return redirect("clues:detail", pk=clue.pk)


@require_POST
@role_required(*PROCURATORATE)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader assigns a clue to a handler; a handler takes an unassigned clue of their queue."""
    clue = _visible(request, pk)
    if access.can_assign(request.user):
        profile = get_object_or_404(Profile, pk=request.POST.get("handler"), unit=request.profile.unit,
                                    role=Role.HANDLER)
        handler = profile.user
    elif access.can_work_clue(request.user, clue) and not hasattr(clue, "verification"):
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
@role_required(*PROCURATORATE)
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _visible(request, pk)
    if not access.can_work_clue(request.user, clue):
        raise deny(request, "clues.clue", str(pk))
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
    """移送他单位 delivers the clue to the unit's inbox: the one clue-referral path, `flow.refer_clue`."""
    from jiuzhu.app.referrals.services.errors import ReferralError
    from jiuzhu.app.referrals.services.flow import refer_clue

    try:
        referral = refer_clue(user, clue, d["refer_to"], request=d["reason"])
    except ReferralError as err:
        raise CaseworkError(str(err)) from err
    return f"，已向{d['refer_to'].name}发出移送函（{referral.number}）"
