"""What screening hands the app: plain dataclasses, JSON-able (docs/architecture.md, engine → app seam)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass
class ClueFinding:
    key: str  # rule | person_key | triggering record's business key — stable across snapshots
    rule: str
    rule_name: str
    rule_version: str
    person_key: str
    person_name: str
    person_id_number: str | None
    priority: int
    tags: list[str]
    target_unit: str
    suggested_help: str
    reason: str
    records: list[dict[str, Any]]  # {record_id, source_type, file, sheet, row}
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ScreenResult:
    as_of: date
    engine: str
    clues: list[ClueFinding]
    rule_versions: dict[str, str]  # code → version of every rule that ran
    counts: dict[str, int]  # code → clues found (0 for a rule that found none)
    seconds: float = 0.0
    # A scoped run (screening/scope.py): the persons screened — the clues of anyone else stay as stored.
    # None: a full run, every clue of the rules that ran is in ``clues``.
    scope: list[str] | None = None
    why_full: str = ""  # why a run asked to be scoped ran in full (Chinese), "" when scoped or not asked
    state_token: str = ""  # the screening state this run left in the warehouse; "" when it left none
