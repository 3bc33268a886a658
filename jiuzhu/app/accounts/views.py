"""The data administrator's own pages: users (create, disable, reset password, role, unit), units,
and the settings index. Nothing here shows a case or a person; every change is audited with ids
and codes, never names or passwords."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.forms import UnitForm, UserForm
from jiuzhu.app.accounts.listing import Column, page_of, query_without, shown_page, sorted_by
from jiuzhu.app.accounts.models import Profile, Unit
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.accounts.users import save_user

# 用户管理's sortable columns
USER_COLUMNS = [Column("登录名", lambda p: p.user.username, "user__username", "username"),
                Column("姓名", lambda p: p.display_name, "display_name", "name"),
                Column("单位", lambda p: p.unit.name, "unit_id", "unit"),
                Column("角色", lambda p: p.get_role_display(), "role", "role")]


@allow("users")
def users(request: HttpRequest) -> HttpResponse:
    rows = Profile.objects.select_related("user", "unit")
    unit = request.GET.get("unit", "")
    if unit:
        rows = rows.filter(unit__code=unit)
    rows, sort = sorted_by(request, rows, USER_COLUMNS, "unit")
    page, listing = shown_page(request, rows, sort, object_type="accounts.users")
    return render(request, "accounts/users.html", {**listing, "rows": page.object_list, "units": Unit.objects.all(),
                                                   "unit": unit})


def _save_user(request: HttpRequest, form: UserForm, profile: Profile | None) -> Profile:
    d = form.cleaned_data
    return save_user(request, profile=profile, username=d["username"], display_name=d["display_name"], unit=d["unit"],
                     role=d["role"], phone=d["phone"], email=d["email"], active=d["active"], password=d["password"])


@allow("users")
def user_new(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        profile = _save_user(request, form, None)
        messages.success(request, f"已新建用户 {profile.user.username}")
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": "新建用户"})


@allow("users")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(Profile.objects.select_related("user", "unit"), pk=pk)
    form = UserForm(request.POST or None, user=profile.user, initial=UserForm.initial_of(profile))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if profile.user_id == request.user.pk and (not d["active"] or d["role"] != profile.role):
            messages.error(request, "不能停用自己的账号或修改自己的角色，请由另一位数据管理员办理")
        else:
            _save_user(request, form, profile)
            messages.success(request, f"已保存用户 {profile.user.username}")
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": f"用户 {profile.user.username}",
                                                        "profile": profile})


@allow("users")
def units(request: HttpRequest) -> HttpResponse:
    page = page_of(request, Unit.objects.all())
    return render(request, "accounts/units.html", {"rows": page.object_list, "page": page,
                                                   "paging": query_without(request, "page")})


def _unit_form(request: HttpRequest, unit: Unit | None) -> HttpResponse:
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        before = {"name": unit.name, "active": unit.active} if unit else None
        saved = form.save()
        audit.record(request, "update" if unit else "create", saved, before=before,
                     after={"code": saved.code, "name": saved.name, "active": saved.active})
        messages.success(request, f"已保存单位 {saved.name}")
        return redirect("accounts:units")
    return render(request, "accounts/unit_form.html", {"form": form, "unit": unit})


@allow("users")
def unit_new(request: HttpRequest) -> HttpResponse:
    return _unit_form(request, None)


@allow("users")
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_form(request, get_object_or_404(Unit, pk=pk))


# (label, admin changelist or page URL name, what it holds)
SETTINGS = (
    ("期限设置", "admin:config_timelimit_changelist", "各环节办理期限（工作日）"),
    ("审批层级", "admin:casework_approvallevel_changelist", "审批顺序、起审金额、先行救助与超上限层级"),
    ("职工月平均工资", "admin:config_wagerate_changelist", "救助金额上限的计算基数"),
    ("职责清单", "admin:config_responsibilitylist_changelist", "各单位承接事项、联络员、时限"),
    ("筛查规则", "admin:clues_rulesetting_changelist", "规则开关与参数"),
    ("专项帮扶小组", "admin:accounts_team_changelist", "小组成员与协作单位"),
    ("工作日历", "casework:calendar", "法定节假日与调休"),
)


@allow("settings")
def settings_index(request: HttpRequest) -> HttpResponse:
    rows = []
    for label, name, note in SETTINGS:
        try:
            rows.append((label, reverse(name), note))
        except NoReverseMatch:
            continue
    return render(request, "accounts/settings.html", {"rows": rows})
