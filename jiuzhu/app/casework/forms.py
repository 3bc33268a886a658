"""Forms of the case pages. Amounts are entered in 元 and stored in 分."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django import forms
from django.utils.safestring import SafeString

from jiuzhu.app.accounts.models import Profile, Role, Unit
from jiuzhu.app.casework.models import Category, Method, Origin, Outcome, Proposal, RefusalReason
from jiuzhu.app.casework.services.acceptance import checked_id
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.config.dates import today
from jiuzhu.app.config.models import HelpKind
from jiuzhu.engine.identity.money import amount_problem


class YuanField(forms.DecimalField):
    """元 with two decimals in, integer 分 out."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        fen = None if value is None else int(value * 100)
        if amount_problem(fen):
            raise forms.ValidationError(amount_problem(fen))
        return fen


class DateInput(forms.DateInput):
    """An HTML date input needs ISO dates whatever the locale's display format is."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's parameter name
        super().__init__(attrs, format=format)


class CaseForm(forms.Form):
    """受理: from an application, a hand-entered clue, or a verified screening clue."""

    origin = forms.ChoiceField(label="案件来源", choices=Origin.choices, initial=Origin.APPLICATION)
    person_name = forms.CharField(label="救助对象姓名", max_length=64)
    person_id_number = forms.CharField(label="救助对象身份证号", max_length=18, required=False)
    category = forms.ChoiceField(label="救助对象类别（细则第七条）", choices=Category.choices)
    applicant_name = forms.CharField(label="申请人", max_length=64, required=False)
    applicant_relation = forms.CharField(label="与救助对象关系", max_length=20, required=False, initial="本人")
    applicant_phone = forms.CharField(label="申请人电话", max_length=20, required=False)
    township = forms.CharField(label="乡镇", max_length=30, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    underlying_case_no = forms.CharField(label="原案案号", max_length=80, required=False)
    crime_or_cause = forms.CharField(label="案由/罪名", max_length=80, required=False)
    documents_received = forms.CharField(label="已收材料", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    tags = forms.MultipleChoiceField(label="标签", required=False, widget=forms.CheckboxSelectMultiple,
                                     choices=[(t, t) for t in ("未成年人", "残疾人", "退役军人", "老年人", "妇女")])
    handler = forms.ModelChoiceField(label="承办检察官", queryset=Profile.objects.none())
    accepted_on = forms.DateField(label="受理日期", initial=today, widget=DateInput)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = Profile.objects.filter(unit=unit, role=Role.HANDLER).select_related("user")
        self.fields["handler"].label_from_instance = lambda p: p.display_name

    def clean_person_id_number(self) -> str:
        """The same rules as the intake of registry files: a wrong number is refused, never dropped."""
        try:
            return checked_id(self.cleaned_data.get("person_id_number"), label="")
        except CaseworkError as err:
            raise forms.ValidationError(str(err)) from None


class CorrectForm(CaseForm):
    """更正受理信息 (until the decision): the details taken at 受理, not how or by whom it was accepted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("origin", "tags", "handler", "accepted_on"):
            del self.fields[name]


class ReportForm(forms.Form):
    facts = forms.CharField(label="案件事实", widget=forms.Textarea(attrs={"rows": 3}))
    hardship = forms.CharField(label="生活困难情况", widget=forms.Textarea(attrs={"rows": 3}))
    loss_fen = YuanField(label="因案损失（元）", initial=0)
    judged_compensation_fen = YuanField(label="判决赔偿金额（元，无判决留空）", required=False)
    compensation_received_fen = YuanField(label="已获赔偿及其他救助（元）", initial=0)
    other_help = forms.CharField(label="已获其他救助情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    proposal = forms.ChoiceField(label="审查意见", choices=Proposal.choices)
    amount_fen = YuanField(label="拟救助金额（元，留空取系统建议）", required=False)
    exceptional = forms.BooleanField(label="特别重大损失/特别困难（可超上限，须检察长审批）", required=False)
    exceptional_reason = forms.CharField(label="特别情况说明", required=False)
    new_hardship = forms.CharField(label="新的困难情况（同一原案再次救助时填写）", required=False)
    refusal_reason = forms.ChoiceField(label="不予救助理由", choices=[("", "—")] + list(RefusalReason.choices),
                                       required=False)
    refusal_text = forms.CharField(label="理由说明（选“其他”时必填）", required=False)

    @staticmethod
    def service_fields_of(cleaned: dict) -> dict:
        data = dict(cleaned)
        data["loss_fen"] = data["loss_fen"] or 0
        data["compensation_received_fen"] = data["compensation_received_fen"] or 0
        if data["amount_fen"] is None:
            data.pop("amount_fen")
        return data


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="会议日期", initial=today, widget=DateInput)
    place = forms.CharField(label="地点", required=False)
    units = forms.ModelMultipleChoiceField(label="参加单位", queryset=Unit.objects.filter(active=True),
                                           widget=forms.CheckboxSelectMultiple)
    attendees = forms.CharField(label="参会人员", required=False)
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.CharField(label="研判意见", required=False)


class ApprovalForm(forms.Form):
    agreed = forms.TypedChoiceField(label="意见", choices=[("1", "同意"), ("0", "不同意（退回承办人）")],
                                    coerce=lambda v: v == "1")
    opinion = forms.CharField(label="审批意见", widget=forms.Textarea(attrs={"rows": 2}))


class PaidForm(forms.Form):
    paid_on = forms.DateField(label="发放日期", initial=today, widget=DateInput)
    method = forms.ChoiceField(label="发放方式", choices=Method.choices)
    account = forms.CharField(label="收款账户", required=False)
    receipt_no = forms.CharField(label="收据/凭证号")


class DateForm(forms.Form):
    on = forms.DateField(label="日期", initial=today, widget=DateInput)


class VisitForm(forms.Form):
    done_on = forms.DateField(label="回访日期", initial=today, widget=DateInput)
    visitors = forms.CharField(label="回访人员")
    units = forms.ModelMultipleChoiceField(label="参加单位", queryset=Unit.objects.filter(active=True),
                                           required=False, widget=forms.CheckboxSelectMultiple)
    situation = forms.CharField(label="生活现状", widget=forms.Textarea(attrs={"rows": 2}))
    further_needs = forms.CharField(label="进一步需求", required=False)


def _need_kinds():

    return [("", "（由检察院确定）")] + [(v, label) for v, label in HelpKind.choices if v != "judicial_aid"]


class VisitNeedForm(VisitForm):
    """A visit with the help kind the visitor suggests for a need found there."""

    need_kind = forms.ChoiceField(label="建议的帮扶事项", choices=_need_kinds, required=False)


class PartnerVisitForm(forms.Form):
    """A partner unit's own visit on a case it takes part in."""

    done_on = forms.DateField(label="回访日期", initial=today, widget=DateInput)
    visitors = forms.CharField(label="回访人员")
    situation = forms.CharField(label="生活现状", widget=forms.Textarea(attrs={"rows": 2}))
    further_needs = forms.CharField(label="进一步需求（将提交检察院确认纳入救助方案）", required=False)
    need_kind = forms.ChoiceField(label="建议的帮扶事项", choices=_need_kinds, required=False)


class ConcludeForm(forms.Form):
    """核查结论 on the clue page."""

    outcome = forms.ChoiceField(label="核查结论", choices=Outcome.choices)
    findings = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reason = forms.CharField(label="理由（移送、排除必填）", required=False)
    refer_to = forms.ModelChoiceField(label="移送单位", queryset=Unit.objects.exclude(code="procuratorate"),
                                      required=False)


def blank_conclude_form() -> SafeString:
    """An empty ConcludeForm as HTML (its as_div): read the units it offers afresh, render once per list."""
    field = ConcludeForm.base_fields["refer_to"]
    # .all(): a fresh query each time, never the class-level queryset's cached rows
    return _blank_conclude_form(tuple((u.pk, field.label_from_instance(u)) for u in field.queryset.all()))


@lru_cache(maxsize=8)
def _blank_conclude_form(units: tuple[tuple[int, str], ...]) -> SafeString:
    """The empty form's HTML is a pure function of the code and the units offered (pk, label)."""
    form = ConcludeForm()
    refer_to = form.fields["refer_to"]
    refer_to.choices = [("", refer_to.empty_label), *units]
    return form.as_div()


class RouteNeedForm(forms.Form):
    kind = forms.ChoiceField(label="帮扶事项（按职责清单确定承办单位）", choices=_need_kinds)
    unit = forms.ModelChoiceField(label="承办单位（多个单位承接该事项时选择）", required=False,
                                  queryset=Unit.objects.filter(active=True), empty_label="按职责清单")
    due_date = forms.DateField(label="完成期限（留空按默认期限）", required=False, widget=DateInput)
    refer = forms.BooleanField(label="同时向承办单位发送移送函", required=False)


class ScheduleForm(forms.Form):
    planned_on = forms.DateField(label="计划回访日期", widget=DateInput)


class TextForm(forms.Form):
    text = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}))
