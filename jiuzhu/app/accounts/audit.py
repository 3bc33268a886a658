"""One call to write the audit trail: `record(who, action, obj, ...)`.

Every entry is chained to the one before (accounts/chain.py) under a lock, so concurrent writers never
fork the chain: PostgreSQL takes a transaction-scoped advisory lock, SQLite's IMMEDIATE transactions
already hold the database's one write lock. Personal values in `detail`/`before`/`after` are replaced by
their keyed hash before anything is stored.
"""

from __future__ import annotations

import contextvars
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache, wraps
from typing import Any

from django.conf import settings
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


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind JIUZHU_PROXY_COUNT proxies of ours the address the
    outermost of them put into X-Forwarded-For (a client can prepend anything, never append)."""
    count = getattr(settings, "PROXY_COUNT", 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def audited(object_type: str, action: str = "view") -> Callable:
    """Decorator for a page, API operation, document or export that shows people: a successful answer is
    recorded as `action` on `object_type` (the view's `pk`/`*_id` argument as object id). A list view may set
    `request.audit_count` (rows shown) and `request.audit_ids` (the ids shown) for the entry.

    Pages without it are still recorded, by AuditContextMiddleware, under their URL name."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            result = view(request, *args, **kwargs)
            status = getattr(result, "status_code", 200)
            if status < 400 and not getattr(request, "audit_done", False):
                object_id = next((str(v) for k, v in kwargs.items() if k == "pk" or k.endswith("_id")), "")
                record(request, action, object_type=object_type, object_id=object_id,
                       detail=_shown(request))
            return result

        return wrapped

    return decorator


def _shown(request) -> dict:
    detail = {"path": request.path}
    if getattr(request, "audit_count", None) is not None:
        detail["count"] = request.audit_count
    if getattr(request, "audit_ids", None):
        detail["ids"] = [str(i) for i in request.audit_ids][:500]
    return detail


def page_seen(request, response) -> None:
    """The fallback for every page and API answer a signed-in user (or a token) got that no view recorded:
    one `view` entry under the URL's name (AuditContextMiddleware)."""
    if request.method not in ("GET", "HEAD") or response.status_code >= 400 or getattr(request, "audit_done", False):
        return
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) and not getattr(request, "auth", None):
        return
    match = getattr(request, "resolver_match", None)
    name = (match.view_name if match else "") or request.path
    record(request, "export" if response.has_header("Content-Disposition") else "view",
           object_type=f"page:{name}"[:50], object_id=_first_id(match), detail=_shown(request))


def _first_id(match) -> str:
    if match is None:
        return ""
    return next((str(v) for k, v in match.kwargs.items() if k == "pk" or k.endswith("_id")), "")


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
    if request is not None:
        request.audit_done = True  # the page fallback (page_seen) need not record it again
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
        "ip": chain.normal_ip(client_ip(request)) if request is not None else None,
    }
    return append(entry)


def append(entry: dict) -> AuditEvent:
    """Chain `entry` (the fields of chain.CHAINED but seq) to the newest entry and store it."""
    if connection.vendor == "postgresql":
        return _append_postgresql(entry)
    with transaction.atomic():  # SQLite: an IMMEDIATE transaction holds the database's one write lock
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
        entry = {**entry, "seq": seq}
        return AuditEvent.objects.create(**entry, prev_hash=prev, hash=chain.entry_hash(prev, entry))


def _append_postgresql(entry: dict) -> AuditEvent:
    """`append` on PostgreSQL in two round trips instead of five (BEGIN, lock, chain head, insert, COMMIT —
    every page pays them): the lock and the head in one go, the insert and the commit in the other, in SQL
    written once. The head is read by a statement after the lock's, so it sees the entry of the writer that
    held the lock before (READ COMMITTED: each statement its own snapshot). Inside a caller's transaction
    the entry commits or rolls back with it, as with transaction.atomic()."""
    own = not connection.in_atomic_block and connection.get_autocommit()
    with connection.cursor() as cursor:
        try:
            cursor.execute(("BEGIN; " if own else "") + _HEAD_SQL)
            raw = cursor.cursor
            while raw.nextset():  # to the last result, the head's (before it: BEGIN's and the lock's)
                pass
            last = raw.fetchone()
            seq, prev = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
            entry = {**entry, "seq": seq}
            row = {**entry, "prev_hash": prev, "hash": chain.entry_hash(prev, entry)}
            values = [field.get_db_prep_save(row[field.attname], connection) for field in _FIELDS]
            cursor.execute(_insert_sql() + ("; COMMIT" if own else ""), values)
            pk = cursor.fetchone()[0]
        except BaseException:
            if own:  # a failure between our BEGIN and COMMIT: leave no transaction open on the connection
                _rollback(cursor)
            raise
    event = AuditEvent(pk=pk, **row)
    event._state.adding, event._state.db = False, connection.alias  # as create() leaves it
    return event


def _rollback(cursor) -> None:
    # if the connection is gone nothing is open on it, and the first error is the one to raise
    with suppress(Exception):
        cursor.execute("ROLLBACK")


# The stored fields but the id, in the order of _insert_sql's columns.
_FIELDS = tuple(f for f in AuditEvent._meta.concrete_fields if not f.primary_key)
_HEAD_SQL = (f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK}); "
             'SELECT "seq", "hash" FROM "accounts_auditevent" ORDER BY "seq" DESC LIMIT 1')


@cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(AuditEvent._meta.db_table)
    return (f"INSERT INTO {table} ({', '.join(quote(f.column) for f in _FIELDS)}) "
            f"VALUES ({', '.join(['%s'] * len(_FIELDS))}) RETURNING {quote(AuditEvent._meta.pk.column)}")


def verify() -> tuple[int, str | None]:
    """(entries, None) when the whole trail is intact, else (entries before the problem, the problem)."""
    fields = ("id", *chain.CHAINED, "prev_hash", "hash")
    rows = AuditEvent.objects.order_by("seq", "id").values(*fields).iterator(chunk_size=2000)
    return chain.verify_rows(rows)


def head() -> dict | None:
    """The newest entry's number and hash: write it down elsewhere to detect a cut-off tail later."""
    row = AuditEvent.objects.order_by("-seq").values("seq", "hash", "at").first()
    return row
