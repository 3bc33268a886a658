"""Referral and plan events on the case's shared timeline (casework's TimelineEvent)."""

from __future__ import annotations

from datetime import datetime

from jiuzhu.app.casework.models import TimelineEvent, add_event


def record_event(referral, kind: str, text: str, *, actor=None, at: datetime | None = None,
                 case=None) -> TimelineEvent | None:
    """Write the event to the case's timeline; a referral that carries no case (a clue) has none.
    The event is written in the name of the unit that acts."""
    case = case or referral.case
    if case is None:
        return None
    return add_event(case, kind, text, actor=actor, at=at)


def events_of(case) -> list[TimelineEvent]:
    """The whole timeline of a case, oldest first: what every unit in the case reads."""
    return list(TimelineEvent.objects.filter(case=case).select_related("unit", "actor").order_by("at", "id"))
