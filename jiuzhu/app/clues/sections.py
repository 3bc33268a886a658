"""Sections of the clue page that parts above clues own: casework's 核查 (its handler, due date and
conclusion among the clue's facts; the 分派 and 核查结论 forms at the page's end). Each such part adds its
function when Django starts (its AppConfig.ready); the clue page imports none of them and shows what they
give, in the order they were added."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from jiuzhu.app.clues.models import Clue

# The places on the clue page a section fills: rows of the clue's table, and steps below the page.
SLOTS = ("facts", "steps")
# (request, clue) -> {slot: HTML}; a part leaves out the slots it has nothing for
Section = Callable[[HttpRequest, Clue], dict[str, str]]
_SECTIONS: list[Section] = []
_RELATED: list[str] = []


def add(section: Section, related: tuple[str, ...] = ()) -> None:
    """Show ``section(request, clue)`` on the clue page; `related`: the clue's relations it reads (its part's
    names), which the page fetches with the clue in one query instead of one query each."""
    if section not in _SECTIONS:
        _SECTIONS.append(section)
        _RELATED.extend(r for r in related if r not in _RELATED)


def related() -> tuple[str, ...]:
    """The relations of the clue the sections read (select_related of the clue page's clue)."""
    return tuple(_RELATED)


def render(request: HttpRequest, clue: Clue) -> dict[str, SafeString]:
    """Each slot's HTML: what the registered sections give for it, one after the other."""
    parts: dict[str, list[str]] = {slot: [] for slot in SLOTS}
    for section in _SECTIONS:
        for slot, html in section(request, clue).items():
            parts[slot].append(html)
    # the sections render their own templates, which escape what they show
    return {slot: mark_safe("".join(html)) for slot, html in parts.items()}
