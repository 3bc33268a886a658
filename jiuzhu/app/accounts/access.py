"""Explicit access helpers: every view asks these, never the role strings directly."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

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


def deny(request: HttpRequest, what: str, object_id: str = "") -> PermissionDenied:
    """Audit a refused access and return the exception to raise."""
    audit.record(request, "denied", object_type=what, object_id=object_id, detail={"path": request.path})
    return PermissionDenied("无权访问 / not allowed")


def role_required(*roles: str, procuratorate: bool = False) -> Callable:
    """Login required, and the user's role must be one of `roles` (any role when none are given).
    Superseded by `accounts.policy.allow(action)`: no view of the platform uses it any more; new views
    name their action in the policy table instead of listing roles."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            profile = profile_of(request.user)
            if profile is None:
                raise deny(request, "view", view.__name__)
            if roles and profile.role not in roles:
                raise deny(request, "view", view.__name__)
            if procuratorate and not profile.in_procuratorate:
                raise deny(request, "view", view.__name__)
            request.profile = profile
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def has_role(user, roles: Iterable[str]) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.role in set(roles)
