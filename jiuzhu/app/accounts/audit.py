"""One call to write the audit trail: `record(who, action, obj, ...)`.

Every entry is chained to the one before (accounts/chain.py) under a lock, so concurrent writers never
fork the chain: PostgreSQL takes a transaction-scoped advisory lock, SQLite's IMMEDIATE transactions
already hold the database's one write lock. Personal values in `detail`/`before`/`after` are replaced by
their keyed hash before anything is stored.
"""

from __future__ import annotations

import contextvars
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from jiuzhu.app.accounts import chain
from jiuzhu.app.accounts.models import AuditEvent

# Any constant: the one advisory lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK = 7_221_011_301
# Who is acting when a caller (the change log, a signal) has no request at hand: set per request by
# jiuzhu.app.web.middleware.SecurityMiddleware.
current_request: contextvars.ContextVar = contextvars.ContextVar("jiuzhu_audit_request", default=None)


def operator() -> str:
    """The command line's operator as the trail names it: `cli:<OS user>`."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in a bare container
        return "cli"


@contextmanager
def acting(request) -> Iterator[None]:
    token = current_request.set(request)
    try:
        yield
    finally:
        current_request.reset(token)


def _is_request(who: Any) -> bool:
    return hasattr(who, "user") and hasattr(who, "META")


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
    """`who` is a request, a user, or None (the current request if any, else the command line)."""
    if action not in AuditEvent.Action.values:  # SQLite would store it; PostgreSQL would not
        raise ValueError(f"unknown audit action {action!r}")
    if who is None:
        who = current_request.get()
    request = who if _is_request(who) else None
    user = request.user if request is not None else who
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if user is not None:
        username = user.get_username()
    elif request is not None:
        username = "anonymous"
    else:
        username = operator()
    entry = {
        "at": timezone.now(),
        "user_id": user.pk if user is not None else None,
        "username": username,
        "action": action,
        "object_type": object_type[:50],
        "object_id": str(object_id)[:100],
        "detail": chain.scrub(detail or {}),
        "before": chain.scrub(before) if before is not None else None,
        "after": chain.scrub(after) if after is not None else None,
        "ip": chain.normal_ip(request.META.get("REMOTE_ADDR")) if request is not None else None,
    }
    return append(entry)


def append(entry: dict) -> AuditEvent:
    """Chain `entry` (the fields of chain.CHAINED but seq) to the newest entry and store it."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
        entry = {**entry, "seq": seq}
        return AuditEvent.objects.create(**entry, prev_hash=prev, hash=chain.entry_hash(prev, entry))


def verify() -> tuple[int, str | None]:
    """(entries, None) when the whole trail is intact, else (entries before the problem, the problem)."""
    fields = ("id", *chain.CHAINED, "prev_hash", "hash")
    rows = AuditEvent.objects.order_by("seq", "id").values(*fields).iterator(chunk_size=2000)
    return chain.verify_rows(rows)


def head() -> dict | None:
    """The newest entry's number and hash: write it down elsewhere to detect a cut-off tail later."""
    row = AuditEvent.objects.order_by("-seq").values("seq", "hash", "at").first()
    return row
