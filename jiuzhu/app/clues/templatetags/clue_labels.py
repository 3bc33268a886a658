"""Template filters: source types and unit codes in the users' words."""

from __future__ import annotations

from django import template

from jiuzhu.engine.api import source_title, unit_name

register = template.Library()


@register.filter
def source_name(code: str) -> str:
    """``dibao`` → ``城乡低保``."""
    return source_title(code)


@register.filter
def unit_label(code: str) -> str:
    """``civil_affairs`` → ``民政局``."""
    return unit_name(code)
