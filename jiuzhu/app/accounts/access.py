"""Explicit access helpers: every view asks these, never the role strings directly."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.models import Profile
from jiuzhu.engine.identity.idcard import mask


def profile_of(user) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def shown_id(user, id_number: str | None) -> str:
    """The ID number as this user may see it: whole for roles that need it, masked for the rest."""
    profile = profile_of(user)
    if profile is not None and profile.sees_full_id:
        return id_number or ""
    return mask(id_number)


# What the 403 page tells the user, by what was refused (the page adds that the attempt was recorded).
DENIED_BECAUSE = {
    "casework.case": "这件案件不属于您的单位，或不在您的职责范围内",
    "clues.clue": "这条线索不属于您的单位，或不在您的职责范围内",
    "clues.queue": "您的角色没有线索待办",
    "persons.person": "您的单位与这个人没有关联的案件、线索或移送",
    "referrals.referral": "这件移送既不是您的单位发出的，也不是发给您的单位的",
    "referrals.planitem": "这个救助方案事项不由您的单位办理",
    "referrals.registryupload": "这份名单不是您的单位上传的",
    "referrals.regular_meeting": "只有检察院可以登记和查看定期会商",
    "view": "您的角色不能使用这个页面",
}


def deny(request: HttpRequest, what: str, object_id: str = "", why: str = "") -> PermissionDenied:
    """Audit a refused access and return the exception to raise; its message is the 403 page's reason."""
    audit.record(request, "denied", object_type=what, object_id=object_id, detail={"path": request.path})
    reason = why or DENIED_BECAUSE.get(what, "您没有办理这项事务的权限")
    return PermissionDenied(f"{reason} / not allowed")


def has_role(user, roles: Iterable[str]) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.role in set(roles)
