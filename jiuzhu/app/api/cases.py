"""A case's shared timeline (三共享三互通): for the units that take part in it, and nobody else."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from jiuzhu.app.accounts import audit
from jiuzhu.app.api.referrals import get_case_or_refuse
from jiuzhu.app.referrals.services.timeline import events_of

router = Router(tags=["案件进展"])


class EventOut(Schema):
    at: datetime
    kind: str
    unit: str | None
    unit_name: str | None
    text: str


class TimelineOut(Schema):
    case_id: int
    number: str
    units: list[str]
    events: list[EventOut]


@router.get("/{case_id}/timeline", response=TimelineOut, summary="案件共享进展")
def case_timeline(request: HttpRequest, case_id: int):
    case = get_case_or_refuse(request, case_id)
    audit.record(request, "view", case, detail={"via": "api", "what": "timeline"})
    return {
        "case_id": case.pk, "number": case.number,
        "units": [cu.unit.code for cu in case.case_units.select_related("unit")],
        "events": [{"at": e.at, "kind": e.kind, "unit": e.unit.code if e.unit else None,
                    "unit_name": e.unit.name if e.unit else None, "text": e.text} for e in events_of(case)],
    }
