"""A partner unit's answer to its clue, the answer limit and its overdue escalation (api.md, workflow.md §3).

The pages (`clues:answer`) and the token API (`POST /api/v1/clues/{id}/conclusion`) both call
`conclude_clue`; the answer limit is the unit's referral answer limit (15 working days, 5 for
乡村振兴), counted from the screening that made the clue. An unanswered clue past it is flagged once
and its unit's liaisons and leader are told, as overdue referrals are."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.accounts.notices import notify
from jiuzhu.app.accounts.roles import PARTNER_ROLES
from jiuzhu.app.clues.models import OPEN_STATES, Clue, ClueSource, ClueState, ScreeningRun, UnitOutcome
from jiuzhu.app.config.dates import due_from, limit_codes
from jiuzhu.app.config.duties import leaders_of, liaisons_of
from jiuzhu.engine.identity import idcard

PROCURATORATE = "procuratorate"


class ClueError(Exception):
    """A refused step, with a Chinese message for people and a code for the API."""

    def __init__(self, message: str, code: str = "bad_request") -> None:
        super().__init__(message)
        self.code = code


def answer_due_for() -> Callable[[str, datetime | date | None], date | None]:
    """`due(unit_code, start)`: the answer limit of a partner unit's clue (None for the procuratorate's own
    clues, whose limit is the 核查 limit from assignment). Units are looked up once per call of this."""
    units: dict[str, Any] = {}

    def due(unit_code: str, start: datetime | date | None) -> date | None:
        if not unit_code or unit_code == PROCURATORATE or start is None:
            return None
        if unit_code not in units:
            units[unit_code] = Unit.objects.filter(code=unit_code).first()
        unit = units[unit_code]
        return due_from(limit_codes(unit)[1], start) if unit is not None else None

    return due


def _link(clue: Clue) -> str:
    return reverse("clues:detail", args=[clue.pk])


def may_answer(user, clue: Clue) -> bool:
    """The target unit's liaisons and leader answer a clue their unit still owes."""
    profile = profile_of(user)
    return (profile is not None and profile.role in PARTNER_ROLES
            and profile.unit.code == clue.target_unit and clue.waits_for_unit)


@transaction.atomic
def conclude_clue(clue: Clue, outcome: str, note: str = "", actor: Any = None, *, unit: Any = None,
                  now: datetime | None = None, request: Any = None) -> Clue:
    """The target unit's answer: `taken_up` 纳入帮扶, `not_eligible` 不符合条件, `already_covered` 已在册, or
    `to_procuratorate` 转检察院 (the clue moves to the procuratorate's queue, target unit `procuratorate`).

    `actor` is the user answering (None for a token call, then `unit` names the unit). Raises ClueError:
    `bad_outcome`, `not_found` (not this unit's clue: existence is not revealed), `answered`, `closed`."""
    if unit is None:
        profile = profile_of(actor)
        unit = profile.unit if profile is not None else None
    if outcome not in UnitOutcome.values:
        raise ClueError("答复应为纳入帮扶、不符合条件、已在册或转检察院 / outcome must be taken_up, not_eligible, "
                        "already_covered or to_procuratorate", "bad_outcome")
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    if unit is None or unit.code != clue.target_unit or unit.code == PROCURATORATE:
        raise ClueError("没有这条线索 / clue not found", "not_found")
    if clue.unit_outcome:
        raise ClueError(f"该线索已答复：{clue.get_unit_outcome_display()} / clue already answered", "answered")
    if clue.state not in OPEN_STATES:
        raise ClueError(f"该线索{clue.get_state_display()}，不能答复 / clue is closed", "closed")
    note = (note or "").strip()
    if outcome in (UnitOutcome.NOT_ELIGIBLE, UnitOutcome.TO_PROCURATORATE) and not note:
        raise ClueError("“不符合条件”或“转检察院”须写明理由 / a note is required for this outcome", "note_required")
    now = now or timezone.now()
    before = {"state": clue.state, "target_unit": clue.target_unit}
    clue.unit_outcome, clue.unit_note, clue.answered_unit = outcome, note, unit.code
    clue.answered_at, clue.answered_by = now, actor if getattr(actor, "is_authenticated", False) else None
    if outcome == UnitOutcome.TO_PROCURATORATE:
        clue.target_unit = PROCURATORATE
        clue.answer_due = None
        if clue.second_unit == PROCURATORATE:
            clue.second_unit = ""
    elif clue.second_unit != PROCURATORATE:
        clue.state = ClueState.ANSWERED  # nobody else works it: closed with the unit's answer
    clue.save()
    audit.record(request or actor, "update", clue, detail={"step": "unit_answer", "outcome": outcome,
                                                           "unit": unit.code},
                 before=before, after={"state": clue.state, "target_unit": clue.target_unit})
    if outcome == UnitOutcome.TO_PROCURATORATE:
        procuratorate = Unit.objects.filter(code=PROCURATORATE).first()
        if procuratorate is not None:
            notify(leaders_of(procuratorate), f"clue-to-procuratorate-{clue.pk}",
                   f"{unit.name}将线索（{clue.rule_name or clue.get_source_display()}）转检察院，请分派核查",
                   link=_link(clue))
    return clue


@dataclass(frozen=True)
class ClueOverdue:
    clue_id: int
    unit: str
    due: date
    notified: int


def check_clues_overdue(today: date | None = None, *, now: datetime | None = None) -> list[ClueOverdue]:
    """Flag partner clues past their answer limit on `today` and tell the unit's liaisons and leader once."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    late = (Clue.objects.filter(answer_due__lt=today, unit_outcome="", overdue_at__isnull=True,
                                state__in=OPEN_STATES).exclude(target_unit=PROCURATORATE)
            .only("pk", "target_unit", "answer_due", "rule_name"))
    units = {u.code: u for u in Unit.objects.all()}
    flags = []
    for clue in late.iterator():
        unit = units.get(clue.target_unit)
        if unit is None:
            continue
        with transaction.atomic():
            if Clue.objects.filter(pk=clue.pk, overdue_at__isnull=True).update(overdue_at=now) == 0:
                continue
        text = (f"{unit.name}的线索（{clue.rule_name or '线索'}，编号{clue.pk}）答复已超期，"
                f"期限为{clue.answer_due:%Y-%m-%d}")
        notes = notify([*liaisons_of(unit), *leaders_of(unit)], f"clue-overdue-{clue.pk}", text, link=_link(clue))
        flags.append(ClueOverdue(clue.pk, unit.name, clue.answer_due, len(notes)))
    return flags


def version_dates(versions: dict[str, str]) -> dict[str, str]:
    """Rule versions as people read them (`{rule: version}` → `{rule: "2026-03-05"}`): the day the first
    screening ran that version; a version no stored run used is left out. The one form of a rule version
    on every page and in the CLI."""
    dates: dict[str, str] = {}
    for run in ScreeningRun.objects.order_by("started_at").only("started_at", "rule_versions").iterator():
        for rule, version in (run.rule_versions or {}).items():
            if rule not in dates and versions.get(rule) == version:
                dates[rule] = f"{timezone.localtime(run.started_at):%Y-%m-%d}"
        if len(dates) == len(versions):
            break
    return dates


def rule_version_date(clue: Clue) -> str:
    """The clue's rule version as people read it (version_dates); the day it was first seen when no run is
    stored."""
    if clue.source != "screening":
        return ""
    found = version_dates({clue.rule: clue.rule_version}).get(clue.rule)
    if found:
        return found
    return f"{timezone.localtime(clue.first_seen):%Y-%m-%d}" if clue.first_seen else ""


def checked_id_number(value: str | None) -> str:
    """The 18-digit ID number (a 15-digit one upgraded) or "" when none is given; a wrong one is refused
    with the intake's own reason (identity toolkit: length, birth date, check digit)."""
    parsed = idcard.parse_id(value or "")
    if parsed.status == "empty":
        return ""
    if parsed.status != "valid":
        raise ClueError(f"身份证号有误：{parsed.reason}，请核对后重新填写 / invalid ID number", "bad_id")
    return parsed.number or ""


def enter_clue(*, by: Any, source: str, person_name: str, situation: str, id_number: str = "", phone: str = "",
               address: str = "", township: str = "", priority: int = 50, tags: list[str] | None = None,
               referral: Any = None, now: datetime | None = None) -> Clue:
    """A clue entered by hand (申请, 移送, 信访, 12309, 其他) or carried by a partner's referral: the procuratorate's
    to verify, on the same path as a screening clue (assign → 核查 → 受理). The ID is checked; a valid one joins
    the person the linkage knows by it."""
    # casework's clue sections, registered when Django starts, import this module; so
    # here, not at the top: the engine (DuckDB, Splink) loads when a clue is entered, not with every Django start
    from jiuzhu.engine.api import person_key_for_id

    if source not in ClueSource.values or source == ClueSource.SCREENING:
        raise ClueError("请选择线索来源：申请、移送、信访、12309 或其他 / choose the clue's source", "bad_source")
    name = (person_name or "").strip()
    if not name:
        raise ClueError("请填写当事人姓名 / the person's name is required", "name_required")
    if not (situation or "").strip():
        raise ClueError("请填写基本情况 / the situation is required", "situation_required")
    if not 0 <= int(priority) <= 100:
        raise ClueError("优先级应为 0–100 / priority must be 0–100", "bad_priority")
    number = checked_id_number(id_number)
    now = now or timezone.now()
    token = uuid.uuid4().hex
    clue = Clue.objects.create(
        key=f"{source}|{token}", rule="", rule_name="", rule_version="", source=source,
        person_key=person_key_for_id(number) if number else "m" + token[:16], person_name=name,
        person_id_number=number, priority=int(priority), tags=list(tags or []), target_unit=PROCURATORATE,
        reason=situation.strip(), records=[], facts={"township": township} if township else {},
        contact=(phone or "").strip()[:40], address=(address or "").strip()[:200], entered_by=by,
        as_of=timezone.localdate(now), first_seen=now, last_seen=now)
    audit.record(by, "create", clue, detail={"source": source, "referral": getattr(referral, "pk", None)})
    return clue


def clue_from_referral(referral: Any, *, phone: str = "", address: str = "") -> Clue:
    """A partner unit's referral to the procuratorate becomes a 移送 clue in its queue (and carries it)."""
    situation = referral.facts + (f"\n移送建议：{referral.request}" if referral.request else "")
    clue = enter_clue(by=referral.sender, source=ClueSource.TRANSFER, person_name=referral.person_name,
                      id_number=referral.person_id_number, phone=phone, address=address,
                      situation=f"{referral.from_unit.name}移送（{referral.number}）：{situation}",
                      referral=referral)
    referral.clue = clue
    referral.save(update_fields=["clue"])
    procuratorate = Unit.objects.filter(code=PROCURATORATE).first()
    if procuratorate is not None:
        notify(leaders_of(procuratorate), f"clue-from-referral-{clue.pk}",
               f"{referral.from_unit.name}移送线索（{referral.number}），已进入线索队列，请分派核查", link=_link(clue))
    return clue
