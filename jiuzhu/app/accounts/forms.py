"""Forms of the data administrator's user and unit pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError

from jiuzhu.app.accounts.models import Profile, Unit
from jiuzhu.app.accounts.roles import PROCURATORATE_ROLES, Role


class UserForm(forms.Form):
    username = forms.RegexField(label="登录名", max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "登录名只能包含字母、数字和 @ . + - _"})
    display_name = forms.CharField(label="姓名", max_length=50)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.filter(active=True))
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)
    password = forms.CharField(label="新密码（新建时必填；填写即重置密码）", required=False,
                               widget=forms.PasswordInput(render_value=False), strip=False)

    def __init__(self, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["username"].disabled = True

    def clean_username(self) -> str:
        name = self.cleaned_data["username"]
        if self.user is None and get_user_model().objects.filter(username__iexact=name).exists():
            raise ValidationError("该登录名已被使用")
        return name

    def clean(self) -> dict:
        data = super().clean()
        unit, role = data.get("unit"), data.get("role")
        if unit is not None and role and (role in PROCURATORATE_ROLES) != unit.is_procuratorate:
            raise ValidationError("角色与单位不符：检察院人员的角色只能用于检察院，联络员、负责人只能用于协作单位")
        password = data.get("password")
        if self.user is None and not password:
            self.add_error("password", "新建用户须设置初始密码")
        if password:
            try:
                password_validation.validate_password(password, self.user)
            except ValidationError as err:
                self.add_error("password", err)
        return data

    @staticmethod
    def initial_of(profile: Profile) -> dict:
        user = profile.user
        return {"username": user.username, "display_name": profile.display_name, "unit": profile.unit,
                "role": profile.role, "phone": profile.phone, "email": user.email, "active": user.is_active}


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ("code", "name", "active")
        labels = {"code": "代码（英文字母、数字、下划线，如 town_junxi）"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True  # the API, exports and --unit name units by code

    def clean_active(self) -> bool:
        active = self.cleaned_data["active"]
        if not active and self.instance.pk and self.instance.is_procuratorate:
            raise ValidationError("检察院不能停用")
        return active
