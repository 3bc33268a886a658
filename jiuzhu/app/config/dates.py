"""The app's one "today" and its one way to count a due date from a configured time limit."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def today() -> date:
    """Today in Asia/Shanghai (settings.TIME_ZONE) by Django's clock, so that a test freezing
    django.utils.timezone.now freezes it too. The engine, which has no Django, has its own
    (jiuzhu.engine.identity.calendar.today)."""
    return timezone.localdate()
