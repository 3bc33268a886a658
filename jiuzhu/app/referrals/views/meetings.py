"""定期会商 pages: the list (and the unit's open decisions), recording a meeting, one meeting with its decisions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.listing import section
from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.accounts.policy import allow, get_visible_or_404
from jiuzhu.app.casework.forms import DateInput
from jiuzhu.app.config.dates import today
from jiuzhu.app.referrals.access import cases_for
from jiuzhu.app.referrals.models import DecisionState, MeetingDecision, RegularMeeting
from jiuzhu.app.referrals.services import meetings
from jiuzhu.app.referrals.services.errors import ReferralError


class RegularMeetingForm(forms.Form):
    held_on = forms.DateField(label="会商日期", initial=today, widget=DateInput)
    title = forms.CharField(label="会商名称", initial="司法救助与社会救助衔接定期会商", max_length=100)
    place = forms.CharField(label="地点", required=False, max_length=100)
    units = forms.ModelMultipleChoiceField(label="参加单位", queryset=Unit.objects.filter(active=True),
                                           widget=forms.CheckboxSelectMultiple)
    cases = forms.ModelMultipleChoiceField(label="研究的案件", queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    topics = forms.CharField(label="议题", widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label="会商纪要", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases_for(user).order_by("-accepted_on")
        self.fields["cases"].label_from_instance = lambda c: f"{c.number} {c.person_name}"


class DecisionForm(forms.Form):
    text = forms.CharField(label="议定事项", required=False, max_length=500)
    unit = forms.ModelChoiceField(label="落实单位", queryset=Unit.objects.filter(active=True), required=False)
    due_date = forms.DateField(label="完成期限", required=False, widget=DateInput)


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3)


class CloseDecisionForm(forms.Form):
    state = forms.ChoiceField(label="结果", choices=[(DecisionState.DONE, "已落实"),
                                                   (DecisionState.NOT_POSSIBLE, "无法落实")])
    result = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 2}))


@allow("meeting.list")
def meeting_list(request: HttpRequest) -> HttpResponse:
    held = section(request, meetings.meetings_for(request.user).prefetch_related("units", "decisions__unit"))
    audit.record(request, "view", object_type="referrals.regular_meetings",
                 detail={"count": held.total, "page": held.page.number})
    return render(request, "referrals/meetings.html", {
        "meetings": held, "mine": section(request, meetings.decisions_for_unit(request.user), "mine_page"),
        "today": today(), "may_record": meetings.may_record(request.user)})


@allow("meeting.record")
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = RegularMeetingForm(request.POST or None, user=request.user)
    decisions = DecisionFormSet(request.POST or None, prefix="d")
    if request.method == "POST":
        if form.is_valid() and decisions.is_valid():
            data = form.cleaned_data
            rows = [meetings.DecisionIn(d["text"], d["unit"], d["due_date"]) for d in decisions.cleaned_data
                    if d and (d.get("text") or "").strip()]
            try:
                made = meetings.record_meeting(request.user, held_on=data["held_on"], topics=data["topics"],
                                               units=data["units"], cases=data["cases"], decisions=rows,
                                               title=data["title"], place=data["place"], minutes=data["minutes"])
            except ReferralError as err:
                messages.error(request, str(err))
            else:
                messages.success(request, f"已记录定期会商，议定事项{len(rows)}项")
                return redirect("referrals:meeting", pk=made.pk)
        else:
            messages.error(request, "请检查填写的内容")
    return render(request, "referrals/meeting_new.html", {"form": form, "decisions": decisions})


@allow("meeting.view")
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(request, RegularMeeting, pk, "meeting.view")
    if request.method == "POST":
        decision = get_object_or_404(MeetingDecision, pk=request.POST.get("decision"), meeting=meeting)
        form = CloseDecisionForm(request.POST)
        if form.is_valid():
            try:
                meetings.close_decision(request.user, decision, **form.cleaned_data)
            except ReferralError as err:
                messages.error(request, str(err))
            else:
                messages.success(request, "已办结")
        else:
            messages.error(request, "请选择结果并填写落实情况")
        return redirect("referrals:meeting", pk=meeting.pk)
    audit.record(request, "view", meeting)
    records = meetings.may_record(request.user)
    decisions = [{"d": d, "may_close": d.is_open and (records or d.unit_id == request.profile.unit_id),
                  "overdue": d.is_open and d.due_date < today()}
                 for d in meeting.decisions.select_related("unit")]
    visible = cases_for(request.user).filter(pk__in=meeting.cases.values("pk"))  # others' cases stay hidden
    return render(request, "referrals/meeting.html", {
        "m": meeting, "decisions": decisions, "close_form": CloseDecisionForm(), "cases": visible})
