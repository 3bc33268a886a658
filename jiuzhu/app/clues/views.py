"""The clue queue (filters, special-team queue, export) and the clue page (person, every supporting record
with file and row, why the records were linked, the unit's answer; the sections of the parts above clues —
核查 and its steps are casework's, jiuzhu/app/casework/views/clues.py)."""

from __future__ import annotations

import io
from functools import cache

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from jiuzhu.app.accounts import audit, listing
from jiuzhu.app.accounts.access import shown_id
from jiuzhu.app.accounts.models import Profile, Role, Unit
from jiuzhu.app.accounts.policy import allow, get_visible_or_404
from jiuzhu.app.clues import access, evidence, sections, services
from jiuzhu.app.clues import queue as queue_mod
from jiuzhu.app.clues.models import Clue, ClueSource, ClueState, UnitOutcome
from jiuzhu.app.config import due
from jiuzhu.app.config.dates import today
from jiuzhu.engine.api import source_title, sources_of_unit, unit_name
from jiuzhu.engine.region import current_region
from jiuzhu.engine.sources import SPECS


class EnterForm(forms.Form):
    source = forms.ChoiceField(label="来源", choices=[c for c in ClueSource.choices if c[0] != ClueSource.SCREENING])
    person_name = forms.CharField(label="当事人姓名", max_length=64)
    id_number = forms.CharField(label="身份证号", max_length=20, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    township = forms.ChoiceField(label="乡镇", required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    situation = forms.CharField(label="基本情况（案件、困难、诉求）", widget=forms.Textarea(attrs={"rows": 4}))
    priority = forms.IntegerField(label="优先级（0–100）", min_value=0, max_value=100, initial=50)
    tags = forms.MultipleChoiceField(label="标签", required=False, widget=forms.CheckboxSelectMultiple,
                                     choices=[(t, t) for t in queue_mod.TAGS])

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "—")] + [(t, t) for t in current_region().townships]

    def clean_id_number(self) -> str:
        try:
            return services.checked_id_number(self.cleaned_data.get("id_number"))
        except services.ClueError as err:
            raise forms.ValidationError(str(err).split(" / ")[0]) from None


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="答复", choices=UnitOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="说明（不符合条件、转检察院须写明理由）", widget=forms.Textarea(attrs={"rows": 2}),
                           required=False)


@cache
def _blank_answer_form() -> SafeString:
    """An empty AnswerForm as HTML (its as_div): a pure function of the code (fixed choices), rendered once."""
    return AnswerForm().as_div()


def _id_for(request: HttpRequest):
    """The ID number as the user sees it in the queue: a partner its own unit's clues whole (it checks
    eligibility by it), everyone else as their role allows."""
    partner = not request.profile.in_procuratorate
    code = request.profile.unit.code
    return lambda c: c.person_id_number if partner and c.target_unit == code else shown_id(request.user,
                                                                                           c.person_id_number)


def _query_without(request: HttpRequest, *names: str) -> str:
    q = request.GET.copy()
    for name in names:
        q.pop(name, None)
    return q.urlencode()


SOURCE_LABELS, STATE_LABELS, OUTCOME_LABELS = (dict(c.choices) for c in (ClueSource, ClueState, UnitOutcome))


def _url_of(name: str):
    """`pk → reverse(name, args=[pk])` with one reverse a page instead of one a row."""
    head, tail = reverse(name, args=[0]).rsplit("0", 1)
    return lambda pk: f"{head}{pk}{tail}"


def _queue_rows(request: HttpRequest, clues: list[Clue]) -> list[dict]:
    """The queue's rows with what each cell shows worked out here, once a page where it can be (today, the
    URLs, labels): the template of 50–200 rows only places them."""
    id_for = _id_for(request)
    on = today()
    soon = due.soon_until(on)
    detail_url, assign_url = _url_of("clues:detail"), _url_of("verification:assign")
    procuratorate = request.profile.in_procuratorate
    rows = []
    for c in clues:
        v = queue_mod.verification_of(c)
        source = SOURCE_LABELS.get(c.source, c.source)
        rows.append({"clue": c, "v": v, "id": id_for(c), "url": detail_url(c.pk),
                     "assign_url": assign_url(c.pk) if procuratorate and v is None and c.is_open else "",
                     "rule_label": c.rule_name or source, "source_label": source,
                     "unit_label": unit_name(c.target_unit), "reason": Truncator(c.reason).chars(60),
                     "state_label": STATE_LABELS.get(c.state, c.state),
                     "outcome_label": OUTCOME_LABELS.get(c.unit_outcome, c.unit_outcome),
                     "status": due.status(v.due_on, v.decided_on, on=on, soon=soon) if v else "",
                     "answer_status": due.status(c.answer_due, on=on, soon=soon) if c.waits_for_unit else ""})
    return rows


@allow("clue.list")
def queue(request: HttpRequest) -> HttpResponse:
    team = request.GET.get("queue") == "team"
    sort = request.GET.get("sort") or "priority"
    per = queue_mod.int_param(request.GET.get("per"), listing.PER_PAGE, queue_mod.PAGE_SIZES)
    clues = queue_mod.ordered(queue_mod.filtered(request.user, request.GET, team=team), sort)
    page_rows, total, page = queue_mod.page_of(clues, queue_mod.int_param(request.GET.get("page"), 1), per)
    rows = _queue_rows(request, page_rows)
    audit.record(request, "view", object_type="clues.queue",
                 detail={"count": total, "page": page, "team": team,
                         "filters": sorted(k for k in queue_mod.FILTER_KEYS if request.GET.get(k))})
    handlers = Profile.objects.filter(unit=request.profile.unit, role=Role.HANDLER).select_related("user")

    names = queue_mod.rule_names()
    pages = max(1, -(-total // per))
    return render(request, "clues/queue.html", {
        "rows": rows, "total": total, "team": team,
        # the filters as a dict with every key: a key missing from request.GET costs the template a dir() of
        # the QueryDict at each option it compares with
        "f": {k: request.GET.get(k, "") for k in queue_mod.FILTER_KEYS}, "page": page, "pages": pages, "per": per,
        "per_choices": queue_mod.PAGE_SIZES, "sort": sort, "sorts": [(k, v[0]) for k, v in queue_mod.SORTS.items()],
        "rules": sorted(names.items()), "sources": ClueSource.choices,
        "records": [(code, source_title(code)) for code in SPECS],
        "units": [(u.code, u.name) for u in Unit.objects.filter(active=True)] if request.profile.in_procuratorate
        else [], "unit_name": unit_name(request.profile.unit.code),
        "own_sources": [source_title(c) for c in sources_of_unit(request.profile.unit.code)],
        "tags": queue_mod.TAGS, "townships": current_region().townships, "states": ClueState.choices,
        "has_team": request.user.teams.exists(), "can_assign": access.can_assign(request.user),
        "partner": not request.profile.in_procuratorate, "handlers": handlers,
        "base_query": _query_without(request, "page"), "sort_query": _query_without(request, "page", "sort")})


@allow("clue.list")
def export(request: HttpRequest) -> HttpResponse:
    """The queue as filtered, as an Excel file for people (Chinese headers, formula-safe), audited."""
    team = request.GET.get("queue") == "team"
    clues = queue_mod.ordered(queue_mod.filtered(request.user, request.GET, team=team),
                              request.GET.get("sort") or "priority")
    buf = io.BytesIO()
    n = queue_mod.write_xlsx(buf, queue_mod.export_rows(request.user, clues, _id_for(request)))
    audit.record(request, "export", object_type="clues.clue",
                 detail={"format": "xlsx", "rows": n, "source": "queue",
                         "filters": sorted(k for k in queue_mod.FILTER_KEYS if request.GET.get(k))})
    response = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = today().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f"attachment; filename=clues-{stamp}.xlsx; filename*=UTF-8''%E7%BA%BF%E7%B4%A2-{stamp}.xlsx"
    )
    return response


def _visible(request: HttpRequest, pk: int, action: str = "clue.view") -> Clue:
    return get_visible_or_404(request, Clue, pk, action)


@allow("clue.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    # the user's clues built once: the check that this one is among them and the person's other clues below
    # (a handler's team tags read once)
    visible = access.clues_for(request.user)
    clue = get_visible_or_404(request, Clue.objects.select_related(*sections.related()), pk, "clue.view",
                              in_scope=visible)
    partner = not request.profile.in_procuratorate
    # A partner unit checks eligibility by the full ID number: shown to it, and the view says so.
    person_id = clue.person_id_number if partner else shown_id(request.user, clue.person_id_number)
    audit.record(request, "view", clue, detail={"full_id": bool(person_id) and "*" not in person_id})
    clue_ids = [r.get("record_id", "") for r in clue.records or []]
    linkage = evidence.explain(clue.person_key, clue_ids, evidence.record_filter(request.user, set(clue_ids)))
    others = visible.filter(person_key=clue.person_key).exclude(pk=clue.pk).order_by("-first_seen")[:20]
    records = [dict(r, how=linkage.methods.get(r.get("record_id", ""), "")) for r in clue.records or []]
    return render(request, "clues/detail.html", {
        "clue": clue, "person_id": person_id, "records": records, "partner": partner,
        "can_answer": services.may_answer(request.user, clue), "answer_form": _blank_answer_form,
        "rule_date": services.rule_version_date(clue), "others": others, "linkage": linkage,
        "sections": sections.render(request, clue)})


@allow("clue.enter")
def new(request: HttpRequest) -> HttpResponse:
    """录入线索: a clue that came by 申请, 移送, 信访, 12309 or otherwise, onto the same 核查 path."""
    form = EnterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            clue = services.enter_clue(by=request.user, source=d["source"], person_name=d["person_name"],
                                       id_number=d["id_number"], phone=d["phone"], address=d["address"],
                                       township=d["township"], situation=d["situation"], priority=d["priority"],
                                       tags=d["tags"])
        except services.ClueError as err:
            messages.error(request, str(err).split(" / ")[0])
        else:
            messages.success(request, f"线索已录入（编号{clue.pk}），请分派核查")
            return redirect("clues:detail", pk=clue.pk)
    return render(request, "clues/new.html", {"form": form})


@require_POST
@allow("clue.answer")
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The target unit's answer to its clue (the same service as the token API)."""
    clue = _visible(request, pk, "clue.answer")
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
