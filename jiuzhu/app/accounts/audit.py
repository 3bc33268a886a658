"""One call to write the audit trail: `record(who, action, obj, ...)`."""

from __future__ import annotations

from typing import Any

from django.db import models

from jiuzhu.app.accounts.models import AuditEvent


def record(
    who: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
    detail: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """`who` is a request, a user, or None (the command line)."""
    if action not in AuditEvent.Action.values:  # SQLite would store it; PostgreSQL would not
        raise ValueError(f"unknown audit action {action!r}")
    request = who if hasattr(who, "user") and hasattr(who, "META") else None
    user = request.user if request is not None else who
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username() if user else "cli",
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail or {},
        before=before,
        after=after,
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
