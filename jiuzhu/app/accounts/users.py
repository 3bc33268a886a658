"""Making and changing users: one path for the data administrator's pages and `jiuzhu users`.
Nobody is a superuser; the role decides (accounts/policy.py). Audited with codes, never names or passwords."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.models import Profile, Unit
from jiuzhu.app.accounts.roles import DATA_ADMIN


def state_of(profile: Profile) -> dict:
    return {"unit": profile.unit.code, "role": profile.role, "active": profile.user.is_active}


@transaction.atomic
def save_user(who, *, profile: Profile | None, username: str, display_name: str, unit: Unit, role: str,
              phone: str = "", email: str = "", active: bool = True, password: str = "") -> Profile:
    """Create (profile None) or change a user; `who` is the request, the user, or None (the CLI)."""
    before = state_of(profile) if profile else None
    user = profile.user if profile else get_user_model()(username=username)
    user.email = email
    user.is_active = active
    user.is_superuser = False  # rights come from the role, never from Django's flags
    user.is_staff = role in DATA_ADMIN  # the admin's configuration pages
    if password:
        user.set_password(password)
    user.save()
    profile = profile or Profile(user=user)
    profile.unit, profile.role, profile.display_name, profile.phone = unit, role, display_name, phone
    profile.save()
    audit.record(who, "update" if before else "create", user, before=before, after=state_of(profile),
                 detail={"password_reset": bool(password)} if before else None)
    return profile
