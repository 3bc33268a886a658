"""Logins, failed logins, lock-outs and logouts go into the audit trail."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from jiuzhu.app.accounts import audit, chain


def _logged_in(sender, request, user, **kwargs) -> None:
    audit.record(_with_user(request, user), "login", object_type="auth.user", object_id=str(user.pk))


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record(_with_user(request, user), "logout", object_type="auth.user", object_id=str(user.pk))


def _failed(sender, credentials: dict, request=None, **kwargs) -> None:
    """The typed user name is kept only as a keyed hash (people type passwords into it); a known account is
    named by its id. Attempts while locked out are recorded once, as `locked_out`."""
    if getattr(request, "axes_locked_out", False):
        return  # django-axes' user_locked_out signal records it (_locked_out)
    typed = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    audit.record(request, "login_failed", object_type="auth.user", object_id=_user_id(typed),
                 detail={"typed": chain.personal(typed)})


def _user_id(typed: str) -> str:
    user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: typed}).first()
    return str(user.pk) if user else ""


def _with_user(request, user):
    """The request, acting as `user` (at logout the request's user is already anonymous)."""
    if request is None:
        return user
    request.user = user
    return request


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    audit.record(request, "locked_out", object_type="auth.user", object_id=_user_id(username or ""),
                 detail={"typed": chain.personal(username or "")})


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="jiuzhu.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="jiuzhu.audit.logout")
    user_login_failed.connect(_failed, dispatch_uid="jiuzhu.audit.login_failed")
    # here, not at the top: django-axes' signals load with its app, after the registry is ready
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="jiuzhu.audit.locked_out")
