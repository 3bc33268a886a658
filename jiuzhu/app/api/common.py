"""What every router shares: the policy's decisions as API answers (403 audited, 404 when missing)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja.errors import HttpError

from jiuzhu.app.accounts import policy
from jiuzhu.app.accounts.access import deny


def refuse(request: HttpRequest, what: str, object_id: str) -> HttpError:
    deny(request, what, object_id)  # writes the audit row
    return HttpError(403, "无权访问 / not allowed")


def allowed(request: HttpRequest, action: str) -> None:
    """The operation's role by the policy table (accounts.policy.API_OPERATIONS names the action)."""
    if not policy.role_allows(request.user, action):
        raise refuse(request, "api", action)


def get_or_refuse(request: HttpRequest, model: type[Model] | QuerySet, pk, action: str) -> Model:
    try:
        return policy.get_visible_or_404(request, model, pk, action)
    except PermissionDenied:  # already audited by the policy
        raise HttpError(403, "无权访问 / not allowed") from None
