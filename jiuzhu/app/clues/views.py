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
from jiuzhu.app.clues import access, evidence
from jiuzhu.app.clues.models import Clue, ClueState
from jiuzhu.engine.identity.calendar import add_working_days
from jiuzhu.engine.region import current_region

PROCURATORATE = (Role.HANDLER, Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF)
PAGE = 200


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label="核查结论", choices=Outcome.choices)
    findings = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reason = forms.CharField(label="理由（移送、排除必填）", required=False)
    refer_to = forms.ModelChoiceField(label="移送单位", queryset=Unit.objects.exclude(code="procuratorate"),
                                      required=False)


def _filtered(request: HttpRequest, clues):
    f = request.GET
    if f.get("rule"):
        clues = clues.filter(rule=f["rule"])
    if f.get("tag"):
        clues = clues.filter(access.with_any_tag(clues, [f["tag"]]))
    if f.get("priority", "").isdigit():
        clues = clues.filter(priority__gte=int(f["priority"]))
    if f.get("township"):
        clues = clues.filter(facts__township=f["township"])
    if f.get("state") in ClueState.values:
        clues = clues.filter(state=f["state"])
    elif not f.get("state"):
        clues = clues.filter(state__in=[ClueState.NEW, ClueState.ASSIGNED, ClueState.VERIFYING])
    on = today()
    if f.get("due") == "overdue":
        clues = clues.filter(verification__due_on__lt=on, verification__outcome="")
    elif f.get("due") == "soon":
        clues = clues.filter(verification__due_on__gte=on, verification__outcome="",
                             verification__due_on__lte=add_working_days(on, deadlines.SOON_WORKING_DAYS))
    return clues


@role_required(*PROCURATORATE)
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


@role_required(*PROCURATORATE)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _visible(request, pk)
    audit.record(request, "view", clue)
    v = getattr(clue, "verification", None) if hasattr(clue, "verification") else None
    linkage = evidence.explain(clue.person_key, [r.get("record_id", "") for r in clue.records or []])
    records = [dict(r, how=linkage.methods.get(r.get("record_id", ""), "")) for r in clue.records or []]
    case = getattr(clue, "case", None) if hasattr(clue, "case") else None
    return render(request, "clues/detail.html", {
        "clue": clue, "v": v, "person_id": shown_id(request.user, clue.person_id_number), "records": records,
        "linkage": linkage, "case": case, "can_work": access.can_work_clue(request.user, clue),
        "can_assign": access.can_assign(request.user), "form": ConcludeForm(),
        "status": deadlines.status(v.due_on, v.decided_on) if v else "",
        "handlers": Profile.objects.filter(unit=request.profile.unit, role=Role.HANDLER)})


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
    """移送他单位 delivers the clue to the unit's inbox through the referrals app (issue 8), as the
    first kind of help on that unit's 职责清单. Without the referrals app the outcome alone is kept."""
    try:
        from jiuzhu.app.referrals.services.errors import ReferralError
        from jiuzhu.app.referrals.services.flow import send
        from jiuzhu.app.referrals.services.routing import kinds_taken_by
    except ImportError:
        return ""
    kinds = kinds_taken_by(d["refer_to"])
    if not kinds:
        raise CaseworkError(f"{d['refer_to'].name}的职责清单未列帮扶事项，无法移送，请数据管理员设置")
    try:
        referral = send(user, to_unit=d["refer_to"], kind=kinds[0], person_name=clue.person_name,
                        person_id_number=clue.person_id_number, facts=clue.reason, request=d["reason"], clue=clue)
    except ReferralError as err:
        raise CaseworkError(str(err)) from err
    return f"，已向{d['refer_to'].name}发出移送函（{referral.number}）"

