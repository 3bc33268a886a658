"""Store what screening found: one Clue per finding key, updated in place on every screening.

- a new key makes a new clue (state 新线索);
- a key found again updates the evidence, reason and priority; a handled clue keeps its state and
  every clue keeps the rule version that first made it;
- a run counts as 新增 the new keys, as 更新 the keys found again whose content changed (evidence records,
  facts, reason, priority, person, tags, routing; not the screening date or the rule version that ran) or
  whose facts had gone and came back, and as 事实消失 the keys no longer found;
- a clue of a rule that ran but did not find it again has lost its facts: ``facts_current`` goes
  False, and an untouched (新线索) clue becomes 事实已消失 — never deleted. If the facts come back,
  it is a 新线索 again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from django.db.models import Count
from django.utils import timezone

from jiuzhu.app.clues.models import Clue, ClueState, RuleSetting, ScreeningRun, record_types, tag_text
from jiuzhu.app.clues.services import answer_due_for
from jiuzhu.app.config.models import WageRate
from jiuzhu.engine.api import ClueFinding, ScreenResult, StageLog, screen
from jiuzhu.engine.api import RuleSetting as EngineRuleSetting
from jiuzhu.engine.region import current_region

_UPDATED = ("rule_name", "person_key", "person_name", "person_id_number", "priority", "tags", "target_unit",
            "suggested_help", "reason", "records", "facts", "as_of", "last_seen", "facts_current", "lapsed_at",
            "state", "tag_text", "record_types", "township", "second_unit", "answer_due")


# What a person reads of a clue: a change here is an 更新 (the derived columns follow these).
_CONTENT = ("rule_name", "person_key", "person_name", "person_id_number", "priority", "tags", "target_unit",
            "suggested_help", "reason", "records", "facts")
_NOT_CONTENT_FACTS = ("seen_rule_version",)


def _as_json(value: Any) -> str:
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k not in _NOT_CONTENT_FACTS}
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def content_changed(clue: Clue, fields: dict[str, Any]) -> bool:
    """Whether `fields` (a finding's values) differ from what the stored clue shows, as JSON (a tuple
    and a list alike)."""
    return any(_as_json(getattr(clue, name)) != _as_json(fields[name]) for name in _CONTENT if name in fields)


def _stored(clue: Clue) -> str:
    """What a found clue stores in the columns a screening writes, last_seen aside (JSON, keys sorted:
    a finding's tuple and the stored list alike)."""
    return json.dumps([getattr(clue, name) for name in _UPDATED if name != "last_seen"], sort_keys=True,
                      ensure_ascii=False, default=str)


def rule_settings() -> list[EngineRuleSetting]:
    """The administrator's rule switches and parameters, as the engine takes them."""
    return [EngineRuleSetting(rule=s.rule, enabled=s.enabled, parameters=s.parameters or {},
                              definition=s.definition or None)
            for s in RuleSetting.objects.all()]


def monthly_wage_fen() -> int | None:
    """The newest 职工月平均工资 of the region's 设区市 from the case database, when one is entered."""
    region = current_region().wage_region
    rate = WageRate.objects.filter(region=region).order_by("-year").first() or \
        WageRate.objects.order_by("-year").first()
    return rate.monthly_wage_fen if rate else None


def _fields(f: ClueFinding, as_of: date) -> dict[str, Any]:
    also = [u for u in f.facts.get("also_units", []) if u != f.target_unit]
    return {
        "tag_text": tag_text(f.tags),
        "record_types": record_types(f.records),
        "second_unit": also[0] if also else "",
        "township": str(f.facts.get("township") or "")[:30],
        "rule_name": f.rule_name,
        "person_key": f.person_key,
        "person_name": f.person_name,
        "person_id_number": f.person_id_number or "",
        "priority": f.priority,
        "tags": list(f.tags),
        "target_unit": f.target_unit,
        "suggested_help": f.suggested_help,
        "reason": f.reason,
        "records": f.records,
        "facts": {**f.facts, "seen_rule_version": f.rule_version},
        "as_of": as_of,
    }


# A scoped store reads the clues of the screened persons in parts (SQLite's limit on a statement's parameters).
_IN_PART = 5000


def _existing(result: ScreenResult) -> dict[str, Clue]:
    """The stored clues the run decides on: of every rule that ran — only the screened persons' after a
    scoped run (the others' clues stay exactly as stored)."""
    rules = list(result.rule_versions)
    if result.scope is None:
        return {c.key: c for c in Clue.objects.filter(rule__in=rules)}
    out: dict[str, Clue] = {}
    for start in range(0, len(result.scope), _IN_PART):
        part = result.scope[start:start + _IN_PART]
        out.update((c.key, c) for c in Clue.objects.filter(rule__in=rules, person_key__in=part))
    return out


def _open_counts(rules: list[str]) -> dict[str, int]:
    """Clues per rule whose facts are current: what a full run's ``counts`` are (every finding is current,
    every other clue of a rule that ran is not)."""
    counts = dict.fromkeys(rules, 0)
    for row in Clue.objects.filter(rule__in=rules, facts_current=True).values("rule").annotate(n=Count("pk")):
        counts[row["rule"]] = row["n"]
    return counts


@cache
def code_digest() -> str:
    """This module, which decides what a stored clue holds: a change makes the next screening full."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


# New clues per executemany: each statement's rows are built in Python first (a few MB per 5,000).
_INSERT_PART = 5000


def insert_new(clues: list[Clue]) -> None:
    """Insert ``clues`` (new, without pk) as ``bulk_create`` would — each field's value from its ``pre_save``
    and ``get_db_prep_save``, as Django's insert compiler takes them — but as one parameterised INSERT run over
    every row (executemany) instead of SQL compiled per batch of 500: storing a province's 276,826 new clues
    spent ≈ 1/3 of its CPU compiling (docs/performance.md). No pk is set on the objects (nothing reads it)."""
    if not clues:
        return
    connection = connections[Clue.objects.db]
    fields = [f for f in Clue._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(Clue._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        for start in range(0, len(clues), _INSERT_PART):
            cursor.executemany(sql, [[f.get_db_prep_save(f.pre_save(clue, True), connection) for f in fields]
                                     for clue in clues[start:start + _INSERT_PART]])


@transaction.atomic
def store_result(result: ScreenResult, *, started_by: str = "cli", started_at: Any = None) -> ScreeningRun:
    now = timezone.now()
    due = answer_due_for()
    run = ScreeningRun(as_of=result.as_of, engine=result.engine, started_at=started_at or now, finished_at=now,
                       rule_versions=result.rule_versions, counts=result.counts, started_by=started_by,
                       state_token=result.state_token,
                       scoped_people=None if result.scope is None else len(result.scope))
    existing = _existing(result)
    new, found, seen = [], [], []  # seen: found again with every stored column as it was but last_seen
    updated = 0
    for f in result.clues:
        clue = existing.pop(f.key, None)
        if clue is None:
            clue = Clue(key=f.key, rule=f.rule, rule_version=f.rule_version, state=ClueState.NEW,
                        first_seen=now, last_seen=now, **_fields(f, result.as_of))
            clue.answer_due = due(clue.target_unit, now)
            new.append(clue)
            continue
        fields = _fields(f, result.as_of)
        if clue.unit_outcome:  # a unit answered (to_procuratorate moved it): its routing stays
            fields.pop("target_unit")
        updated += content_changed(clue, fields) or not clue.facts_current
        before = _stored(clue)
        for name, value in fields.items():
            setattr(clue, name, value)
        if clue.answer_due is None and not clue.unit_outcome:
            clue.answer_due = due(clue.target_unit, clue.first_seen)
        clue.last_seen, clue.facts_current, clue.lapsed_at = now, True, None
        if clue.state == ClueState.LAPSED:
            clue.state = ClueState.NEW
        (found if _stored(clue) != before else seen).append(clue)
    gone = []
    for clue in existing.values():  # rules that ran, keys they no longer find
        if not clue.facts_current and clue.state != ClueState.NEW:
            continue
        clue.facts_current = False
        clue.lapsed_at = clue.lapsed_at or now
        if clue.state == ClueState.NEW:
            clue.state = ClueState.LAPSED
        gone.append(clue)
    insert_new(new)
    Clue.objects.bulk_update(found + gone, _UPDATED, batch_size=500)
    # The same end state as updating them all, in one statement per 500 instead of a CASE per column
    # and row (a county's 2,000 clues: seconds, most of a screening that changed little).
    for start in range(0, len(seen), 500):
        Clue.objects.filter(pk__in=[c.pk for c in seen[start:start + 500]]).update(last_seen=now)
    run.created, run.updated, run.lapsed = len(new), updated, len(gone)
    if result.scope is not None:
        run.counts = _open_counts(list(result.rule_versions))
    run.save()
    return run


def screen_and_store(as_of: date | None = None, *, engine: str = "duckdb", rules: list[str] | None = None,
                     started_by: str = "cli", progress: Callable[[str, int, int], None] | None = None,
                     warehouse: Any = None, spark: Any = None,
                     incremental: bool = False) -> tuple[ScreenResult, ScreeningRun]:
    """Screen with the administrator's settings and the configured wage, then store the clues
    (``spark``: the session of the spark engine, else one of its own). ``incremental``: only the persons
    a change since the last run concerns, when the engine can tell (docs/screening.md)."""
    started = timezone.now()
    last = ScreeningRun.objects.order_by("-pk").first()
    kwargs: dict[str, Any] = {"engine": engine, "rules": rules, "settings": rule_settings(),
                              "warehouse": warehouse, "spark": spark, "incremental": incremental,
                              "last_token": last.state_token if last else None,
                              "context": {"store": code_digest()}, "keep_state": True}
    wage = monthly_wage_fen()
    if wage:
        kwargs["monthly_wage_fen"] = wage
    if progress:
        kwargs["progress"] = progress
    result = screen(as_of, **kwargs)
    log = StageLog()  # a part= line (JIUZHU_LINK_STAGES): storing the clues
    stored = store_result(result, started_by=started_by, started_at=started)
    log.mark("store clues", kind="part", clues=len(result.clues))
    return result, stored
