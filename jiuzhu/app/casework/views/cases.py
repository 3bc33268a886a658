"""Case list, the case page (with its timeline and next steps), 受理, and documents."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import shown_id
from jiuzhu.app.accounts.listing import Column, listed
from jiuzhu.app.accounts.models import Profile, Role
from jiuzhu.app.accounts.policy import allow, get_visible_or_404
from jiuzhu.app.casework import access, deadlines, metrics
from jiuzhu.app.casework.documents import catalogue
from jiuzhu.app.casework.forms import (
    ApprovalForm,
    CaseForm,
    CorrectForm,
    DateForm,
    MeetingForm,
    PaidForm,
    PartnerVisitForm,
    ReportForm,
    RouteNeedForm,
    ScheduleForm,
    TextForm,
    VisitNeedForm,
)
from jiuzhu.app.casework.models import CaseState, Category, NeedState, Origin
from jiuzhu.app.casework.services import amount, approval, closing, review
from jiuzhu.app.casework.services.acceptance import (
    BEFORE_DECISION,
    CORRECTABLE,
    accept_case,
    correct,
    prefill_from_clue,
)
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.casework.views.common import form_errors, visible_case
from jiuzhu.app.clues.models import Clue
from jiuzhu.app.config import due
from jiuzhu.app.config.dates import today
from jiuzhu.engine.region import current_region


def _case_columns(user) -> list[Column]:
    review_states = (CaseState.REVIEWING, CaseState.APPROVING)
    return [
        Column("案号", lambda c: c.number, "id", "number"),
        Column("救助对象", lambda c: c.person_name, "person_name", "person"),
        Column("身份证号", lambda c: shown_id(user, c.person_id_number)),
        Column("救助对象类别", lambda c: c.get_category_display(), "category", "category"),
        Column("案件来源", lambda c: c.get_origin_display(), "origin", "origin"),
        Column("状态", lambda c: c.get_state_display(), "state", "state"),
        Column("承办检察官", lambda c: c.handler.profile.display_name if hasattr(c.handler, "profile") else ""),
        Column("乡镇", lambda c: c.township, "township", "township"),
        Column("受理日期", lambda c: c.accepted_on, "accepted_on", "accepted"),
        Column("审查期限", lambda c: c.review_due if c.state in review_states else None, "review_due", "due"),
        Column("原案案号", lambda c: c.underlying_case_no),
        Column("标签", lambda c: "、".join(c.tags or ())),
        Column("先行救助", lambda c: "是" if c.urgent else ""),
    ]


CASE_TAGS = ("未成年人", "残疾人", "退役军人", "老年人", "妇女")


def _filtered_cases(request: HttpRequest):
    """The case list's filters (all optional): 状态, 来源, 类别, 承办人, 标签, 乡镇, 受理年度, 逾期, 关键词."""
    f = request.GET
    cases = access.cases_for(request.user).select_related("handler__profile", "team")
    if f.get("state") in CaseState.values:
        cases = cases.filter(state=f["state"])
    if f.get("origin") in Origin.values:
        cases = cases.filter(origin=f["origin"])
    if f.get("category") in Category.values:
        cases = cases.filter(category=f["category"])
    if f.get("handler", "").isdigit():
        cases = cases.filter(handler_id=int(f["handler"]))
    if f.get("tag") in CASE_TAGS:  # a county has hundreds of cases, and JSON lookups differ by database
        cases = cases.filter(pk__in=[c.pk for c in cases.only("pk", "tags") if f["tag"] in (c.tags or ())])
    if f.get("township"):
        cases = cases.filter(township=f["township"])
    if f.get("year", "").isdigit():
        cases = cases.filter(accepted_on__year=int(f["year"]))
    if f.get("overdue") == "1":
        cases = cases.filter(state__in=(CaseState.REVIEWING, CaseState.APPROVING), review_due__lt=today())
    q = f.get("q", "").strip()
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(person_name__icontains=q) | Q(underlying_case_no__icontains=q))
    return cases


@allow("case.list")
def case_list(request: HttpRequest) -> HttpResponse:
    """案件: filters with Chinese names, sorting by column, 50 a page, and the same rows as Excel."""
    result = listed(request, _filtered_cases(request), _case_columns(request.user), "-accepted", title="救助案件",
                    object_type="casework.case_list")
    if isinstance(result, HttpResponse):
        return result
    page, listing = result
    rows = [{"case": c, "due": c.review_due if c.state in (CaseState.REVIEWING, CaseState.APPROVING) else None}
            for c in page.object_list]
    for row in rows:
        row["status"] = due.status(row["due"])
    profile = request.profile
    handlers = Profile.objects.filter(unit=profile.unit, role=Role.HANDLER).select_related("user") \
        if profile.in_procuratorate else Profile.objects.none()
    return render(request, "casework/case_list.html", {
        **listing, "rows": rows, "states": CaseState.choices, "origins": Origin.choices,
        "categories": Category.choices, "tags": CASE_TAGS, "handlers": handlers,
        "townships": current_region().townships, "may_accept": access.can_accept(request.user)})


@allow("case.view")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    audit.record(request, "view", case)
    partner = access.is_partner(request.user)
    context = {
        "case": case,
        "partner": partner,
        "person_id": shown_id(request.user, case.person_id_number),
        "timeline": case.timeline.select_related("unit", "actor__profile"),
        "units": case.case_units.select_related("unit"),
        "review_status": due.status(case.review_due) if case.state in (
            CaseState.REVIEWING, CaseState.APPROVING) else "",
        "correctable": not partner and case.state in BEFORE_DECISION and access.can_handle(request.user, case),
    }
    if not partner:
        context.update(_working_context(request, case))
    elif case.is_open:
        context["partner_visit_form"] = PartnerVisitForm()
        context["partner_visits"] = case.follow_ups.filter(done_on__isnull=False).order_by("-done_on", "-pk")
    return render(request, "casework/case_detail.html", context)


def _working_context(request: HttpRequest, case) -> dict:
    """What the procuratorate's users see and may do on the case page."""
    user = request.user
    report = case.report_or_none
    handles = access.can_handle(user, case)
    pays = access.can_pay(user, case)
    initial = {}
    if report is not None:
        initial = {f: getattr(report, f) for f in ReportForm.base_fields if hasattr(report, f)}
        for f in ("loss_fen", "judged_compensation_fen", "compensation_received_fen", "amount_fen"):
            if initial.get(f) is not None:
                initial[f] = initial[f] / 100
    payment = getattr(case, "payment", None) if hasattr(case, "payment") else None
    tasks = case.tasks.order_by("done_on", "due_on", "id")
    return {
        "report": report,
        "wage_note": amount.placeholder_note(report.wage_year) if report is not None else "",
        "handles": handles,
        "pays": pays,
        "pending_level": approval.pending_level(case),
        "grant_warnings": review.grant_warnings(case) if report is not None and case.is_open else [],
        "may_approve": approval.may_approve(user, case),
        "approvals": case.approvals.select_related("approver__profile"),
        "approval_time": metrics.approval_against_target(case),
        "meetings": case.meetings.prefetch_related("units"),
        "follow_ups": case.follow_ups.all(),
        "payment": payment,
        "tasks": deadlines.annotate(tasks),
        "documents": catalogue.available(case),
        "blockers": closing.blockers(case) if case.state in (CaseState.PAID, CaseState.REFUSED) else [],
        "report_form": ReportForm(initial=initial) if handles and case.state == CaseState.REVIEWING else None,
        "meeting_form": MeetingForm() if handles and case.is_open else None,
        "approval_form": ApprovalForm(),
        "paid_form": PaidForm(),
        "date_form": DateForm(),
        "visit_form": VisitNeedForm(),
        "needs": case.follow_ups.filter(need_state=NeedState.PROPOSED),
        "route_form": RouteNeedForm(),
        "schedule_form": ScheduleForm(),
        "text_form": TextForm(),
    }


@require_http_methods(["GET", "POST"])
@allow("case.accept")
def new_case(request: HttpRequest) -> HttpResponse:
    """受理. With ?clue=ID the form starts from a clue the user may work on."""
    profile = request.profile
    clue = None
    clue_id = request.GET.get("clue") or request.POST.get("clue")
    if clue_id:
        clue = get_visible_or_404(request, Clue, clue_id, "clue.work")
    suggestion = prefill_from_clue(clue) if clue is not None else None
    if request.method == "POST":
        form = CaseForm(request.POST, unit=profile.unit)
        if form.is_valid():
            data = dict(form.cleaned_data)
            handler = data.pop("handler").user
            on, tags = data.pop("accepted_on"), data.pop("tags")
            name, category, origin = data.pop("person_name"), data.pop("category"), data.pop("origin")
            try:
                case = accept_case(by=request.user, handler=handler, person_name=name, category=category,
                                   origin=origin, clue=clue, on=on, tags=tags, **data)
            except CaseworkError as err:
                messages.error(request, str(err))
            else:
                messages.success(request, f"已受理：{case.number}")
                return redirect("casework:case_detail", pk=case.pk)
        else:
            form_errors(request, form)
    else:
        initial = {"handler": profile if profile.role == Role.HANDLER else None}
        if suggestion is not None:
            initial.update({k: v for k, v in suggestion.items() if k != "category_why"})
            if not profile.sees_full_id:  # left empty, the clue's number is used
                initial["person_id_number"] = ""
            audit.record(request, "view", clue, detail={"page": "accept"})
        form = CaseForm(initial=initial, unit=profile.unit)
    return render(request, "casework/new_case.html", {"form": form, "clue": clue, "suggestion": suggestion})


@require_http_methods(["GET", "POST"])
@allow("case.handle")
def correct_case(request: HttpRequest, pk: int) -> HttpResponse:
    """更正受理信息 until the decision: the case's handler."""
    case = visible_case(request, pk, "case.handle")
    if request.method == "POST":
        data = request.POST.copy()
        fields = list(CORRECTABLE)
        if data.get("person_id_number") == shown_id(request.user, case.person_id_number):
            fields.remove("person_id_number")  # left as shown (masked for some roles): not corrected
            data["person_id_number"] = ""
        form = CorrectForm(data, unit=request.profile.unit)
        if form.is_valid():
            try:
                names = correct(case, by=request.user, **{f: form.cleaned_data[f] for f in fields})
            except CaseworkError as err:
                messages.error(request, str(err))
            else:
                messages.success(request, "已更正：" + "、".join(names) if names else "没有需要更正的内容")
                return redirect("casework:case_detail", pk=case.pk)
        else:
            form_errors(request, form)
    else:
        initial = {f: getattr(case, f) for f in CORRECTABLE}
        initial["person_id_number"] = shown_id(request.user, case.person_id_number)
        form = CorrectForm(initial=initial, unit=request.profile.unit)
        audit.record(request, "view", case, detail={"page": "correct"})
    return render(request, "casework/correct.html", {"form": form, "case": case})


@allow("case.document")
def document(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    case = visible_case(request, pk, "case.document")
    if slug not in catalogue.DOCUMENTS:
        raise Http404
    title, module = catalogue.DOCUMENTS[slug]
    if not module.ready(case):
        raise Http404
    data = module.render(case)
    audit.record(request, "export", case, detail={"document": slug})
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{title}-{case.number}.docx')}"
    return response
