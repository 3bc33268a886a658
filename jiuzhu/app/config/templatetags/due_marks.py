"""A due date as every list shows it: the date, red or amber by its status (config.due.status)."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_WORDS = {"overdue": "（已逾期）", "soon": "（即将到期）"}


@register.simple_tag
def due_mark(due: date | datetime | None, status: str = "") -> SafeString:
    """`<span class="overdue">2026-12-08（已逾期）</span>`, or — without a date. A tag, not an included
    template: lists show it on every row, and an include costs a row more than the rest of it."""
    if not due:
        return mark_safe("—\n")
    if isinstance(due, datetime):
        due = timezone.localtime(due) if timezone.is_aware(due) else due
    css = status if status in _WORDS else ""
    return mark_safe(f'<span class="{css}">{due.year:04d}-{due.month:02d}-{due.day:02d}{_WORDS.get(css, "")}</span>\n')
