"""Forms of the liaison pages; amounts are typed in 元 and stored in 分."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.clues.services import ClueError, checked_id_number
from jiuzhu.app.config.models import HelpKind
from jiuzhu.app.referrals.models import PlanItemState, ResultCode
from jiuzhu.app.referrals.services.plans import CLOSING_STATES
from jiuzhu.engine.identity.money import amount_problem
from jiuzhu.engine.sources import SPECS


class YuanField(forms.CharField):
    """An amount in 元 with at most two decimals → integer 分."""

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            yuan = Decimal(str(value).replace(",", "").replace("元", "").strip())
        except InvalidOperation:
            raise forms.ValidationError("请填写金额，如 1891 或 1891.50") from None
        if not yuan.is_finite() or yuan < 0 or yuan.as_tuple().exponent < -2:
            raise forms.ValidationError("金额须为非负数，最多两位小数")
        if amount_problem(int(yuan * 100)):
            raise forms.ValidationError(amount_problem(int(yuan * 100)))
        return int(yuan * 100)


class AnswerForm(forms.Form):
    result = forms.ChoiceField(label="办理结果", choices=[("", "请选择")] + list(ResultCode.choices))
    monthly_amount = YuanField(label="月保障金额（元）", required=False)
    once_amount = YuanField(label="一次性金额（元）", required=False)
    effective_date = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label="结果说明 / 不符合条件的理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label="移送事项", choices=HelpKind.choices)
    to_unit = forms.ModelChoiceField(label="接收单位", queryset=Unit.objects.filter(active=True), required=False,
                                     empty_label="按职责清单自动确定")
    person_name = forms.CharField(label="救助对象", max_length=64)
    person_id_number = forms.CharField(label="身份证号", max_length=20, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    facts = forms.CharField(label="基本情况", widget=forms.Textarea(attrs={"rows": 4}))
    request = forms.CharField(label="移送事项及建议", required=False, widget=forms.Textarea(attrs={"rows": 2}))


    def clean_person_id_number(self) -> str:
        """Checked as the intake checks a registry cell: a wrong number is refused, never dropped."""
        try:
            return checked_id_number(self.cleaned_data.get("person_id_number"))
        except ClueError as err:
            raise forms.ValidationError(str(err).split(" / ")[0]) from None


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(label="帮扶事项", choices=HelpKind.choices)
    description = forms.CharField(label="具体内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label="完成期限（不填按默认期限）", required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ModelChoiceField(label="承办单位（多个单位承接该事项时选择）", required=False,
                                  queryset=Unit.objects.filter(active=True), empty_label="按职责清单")
    refer = forms.BooleanField(label="同时向承办单位发送移送函", required=False, initial=True)


class CloseItemForm(forms.Form):
    state = forms.ChoiceField(label="办结结果", choices=[(s.value, s.label) for s in PlanItemState
                                                       if s in CLOSING_STATES])
    result = forms.CharField(label="落实结果", widget=forms.Textarea(attrs={"rows": 2}))
    amount = YuanField(label="金额（元，可不填）", required=False)
    reason = forms.CharField(label="代为办结原因（承办检察官代承办单位办结时必填）", required=False)


class UploadForm(forms.Form):
    """The type is chosen from the unit's list (never typed). The as-of date is checked with the type and the
    size by `registries.services.check_upload`, the one check the page and the API share."""

    file = forms.FileField(label="名单文件（xlsx / xls / csv）")
    source = forms.ChoiceField(label="名单类型", choices=())
    as_of = forms.DateField(label="数据截止日期（不填为今天）", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, sources: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any type validates (a type the unit may not send is refused with its own message); the unit's
        # own types are the ones offered.
        self.fields["source"].choices = [(code, spec.title) for code, spec in SPECS.items()]
        self.fields["source"].widget.choices = [("", "请选择")] + sources
