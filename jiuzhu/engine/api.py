"""The engine → app seam (docs/architecture.md): plain records in and out, no Django."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from jiuzhu.engine.intake.importer import BatchResult, Progress, import_paths
from jiuzhu.engine.linkage import LinkResult
from jiuzhu.engine.linkage import link as link_records
from jiuzhu.engine.linkage.spark import spark_session
from jiuzhu.engine.linkage.store import person_key
from jiuzhu.engine.persons import (
    PersonFile,
    PersonHit,
    WarehouseUnavailable,
    build_search,
    parse_query,
    person_file,
)
from jiuzhu.engine.persons import search as search_persons
from jiuzhu.engine.screening.findings import ClueFinding, ScreenResult
from jiuzhu.engine.screening.ruleset import RuleSetting
from jiuzhu.engine.screening.screen import screen
from jiuzhu.engine.sources import SPECS
from jiuzhu.engine.units import UNIT_NAMES
from jiuzhu.engine.warehouse import batches
from jiuzhu.engine.warehouse.store import connect
from jiuzhu.engine.warehouse.store import file_version as warehouse_version

__all__ = ["BatchResult", "ClueFinding", "PersonFile", "PersonHit", "RuleSetting", "ScreenResult",
           "WarehouseUnavailable", "build_person_search", "confirm_batch", "ingest", "link", "parse_query",
           "person_file", "person_key_for_id", "screen", "search_persons", "source_title", "sources_of_unit",
           "spark_session", "unit_name", "warehouse_version", "withdraw_batch"]


def person_key_for_id(id_number: str) -> str:
    """The person key linkage gives a person with this valid ID (a hand-entered clue joins the same
    person)."""
    return person_key(id_number)


def build_person_search(warehouse: str | Path | None = None) -> int:
    """Rewrite the search table (names with pinyin) from the current linkage; `link` does this itself."""
    with connect(Path(warehouse) if warehouse else None) as con:
        return build_search(con)


def source_title(code: str) -> str:
    """A source type's Chinese name (``dibao`` → its spec title); an unknown code is shown as it is."""
    spec = SPECS.get(code)
    return spec.title if spec is not None else code


def sources_of_unit(unit_code: str) -> list[str]:
    """The source types a unit sends by default (sources.md §3: 民政 → dibao, tekun, …)."""
    return [code for code, spec in SPECS.items() if spec.unit == unit_code]


def unit_name(code: str) -> str:
    """A unit kind's Chinese name (``civil_affairs`` → ``民政局``); an unknown code is shown as it is."""
    return UNIT_NAMES.get(code, code)


def ingest(
    paths: Iterable[str | Path],
    *,
    source: str | None = None,
    unit: str | None = None,
    as_of: date | None = None,
    sheet: str | None = None,
    allow_empty: bool = False,
    imported_by: str = "cli",
    progress: Progress | None = None,
    jobs: int | None = None,
    bounded: bool = False,
) -> list[BatchResult]:
    """Import files (or every file in a folder) as batches; one result per batch or per failed file.

    ``jobs``: processes reading files side by side (default one per core, at most one per file; 1 = serial).
    The outcome is the same for any value. ``bounded``: read each file in a process with memory and time
    limits (docs/intake.md "Limits"), as `jiuzhu ingest` and uploads do."""
    return import_paths([Path(p) for p in paths], source=source, unit=unit, as_of=as_of, sheet=sheet,
                        allow_empty=allow_empty, imported_by=imported_by, progress=progress, jobs=jobs,
                        bounded=bounded)


def confirm_batch(batch_id: str, *, by: str = "cli") -> dict:
    """Make a held batch (a snapshot far smaller than the current one) imported, so current when newest.
    Returns the batch as it was; ``BatchStateError`` (zh/en) when it is not held or unknown."""
    with connect() as con:
        return batches.confirm(con, batch_id, by=by)


def withdraw_batch(batch_id: str, *, reason: str, by: str = "cli") -> dict:
    """Take back a batch: not current any more (the snapshot it replaced is again), the same file imports
    again. Returns the batch as it was; ``BatchStateError`` (zh/en) when withdrawn already or unknown."""
    with connect() as con:
        return batches.withdraw(con, batch_id, reason=reason, by=by)


def link(engine: str = "duckdb", *, spark: Any = None, spark_master: str | None = None) -> LinkResult:
    """Records → persons (person_index, persons, link_explanations): exact on valid IDs, Splink on the rest.

    On the spark engine: ``spark`` a session to use, else one on ``spark_master`` (default ``local[*]``)."""
    result = link_records(engine, spark=spark, spark_master=spark_master)
    build_person_search()
    return result
