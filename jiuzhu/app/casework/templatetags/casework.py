"""Template filters: money in 元 with capitals, role names."""

from __future__ import annotations

from django import template

from jiuzhu.app.accounts.models import Role
from jiuzhu.engine.identity.money import fen_to_capitals, format_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """``3000000`` → ``30,000.00元``."""
    return format_yuan(fen, unit=True, empty="—")


@register.filter
def capitals(fen: int | None) -> str:
    return "" if fen is None else fen_to_capitals(fen)


@register.filter
def role_label(code: str) -> str:
    return Role(code).label if code in Role.values else code
