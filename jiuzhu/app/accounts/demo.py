"""Demo users, one per role, for `jiuzhu demo` (never in production: the password is printed)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from jiuzhu.app.accounts.models import Profile, Team, Unit
from jiuzhu.app.accounts.seed import seed_units
from jiuzhu.engine.home import warehouse_path

DEMO_PASSWORD = "jiuzhu-demo-2026"

# username, display name, unit code, role, team codes
DEMO_USERS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("jcg_zhang", "张检察官", "procuratorate", "handler", ("minors",)),
    ("jcg_li", "李检察官", "procuratorate", "handler", ("disabled", "veterans")),
    ("bmfzr_wang", "王主任", "procuratorate", "dept_head", ()),
    ("fgfjcz_xu", "徐副检察长", "procuratorate", "deputy_chief", ()),
    ("jcz_chen", "陈检察长", "procuratorate", "chief", ()),
    ("jicai_lin", "林会计", "procuratorate", "finance", ()),
    ("admin_data", "数据管理员", "procuratorate", "data_admin", ()),
    ("mz_liaison", "民政联络员", "civil_affairs", "liaison", ()),
    ("mz_leader", "民政局负责人", "civil_affairs", "unit_leader", ()),
    ("cl_liaison", "残联联络员", "disability_federation", "liaison", ()),
    ("jy_liaison", "教育联络员", "education", "liaison", ()),
    ("xczx_liaison", "乡村振兴联络员", "rural_revitalization", "liaison", ()),
    ("fl_liaison", "妇联联络员", "womens_federation", "liaison", ()),
)


def real_data(home) -> str:
    """What in this home or database is not the demo's, in words ('' when nothing): the demo's accounts carry
    a printed password, so they must never be written where real people's data is."""
    demo_names = {row[0] for row in DEMO_USERS}
    others = get_user_model().objects.exclude(username__in=demo_names).count()
    if others:
        return f"{others} 个非演示用户"
    if (home / "demo.home").exists() or (home / "demo.done").exists():
        return ""
    if warehouse_path().exists():
        return "已导入的数据仓库"
    for label in ("casework.Case", "clues.Clue", "referrals.Referral"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model.objects.exists():
            return f"{model._meta.verbose_name}记录"
    return ""


@transaction.atomic
def create_demo_users() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo users; returns (username, name, unit·role) rows to print."""
    seed_units()
    User = get_user_model()
    rows = []
    for username, name, unit_code, role, teams in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(DEMO_PASSWORD)
        user.is_staff = role == "data_admin"  # the admin's configuration pages; rights come from the role
        user.is_superuser = False
        user.save()
        unit = Unit.objects.get(code=unit_code)
        profile, _ = Profile.objects.update_or_create(
            user=user, defaults={"unit": unit, "role": role, "display_name": name}
        )
        for code in teams:
            Team.objects.get(code=code).members.add(user)
        rows.append((username, name, f"{unit.name}·{profile.get_role_display()}"))
    return rows
