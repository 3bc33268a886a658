"""The engine → app seam (docs/architecture.md): plain records in and out, no Django."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jiuzhu.engine.intake.importer import BatchResult, Progress, import_paths
from jiuzhu.engine.screening.findings import ClueFinding, ScreenResult
from jiuzhu.engine.screening.ruleset import RuleSetting
from jiuzhu.engine.screening.screen import screen

if TYPE_CHECKING:
    from jiuzhu.engine.linkage import LinkResult

__all__ = ["BatchResult", "ClueFinding", "RuleSetting", "ScreenResult", "ingest", "link", "screen", "source_title",
           "unit_name"]


def source_title(code: str) -> str:
    """A source type's Chinese name (``dibao`` → its spec title); an unknown code is shown as it is."""
    from jiuzhu.engine.intake.specs import SPECS

    spec = SPECS.get(code)
    return spec.title if spec is not None else code


def unit_name(code: str) -> str:
    """A unit kind's Chinese name (``civil_affairs`` → ``民政局``); an unknown code is shown as it is."""
    from jiuzhu.engine.units import UNIT_NAMES

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
) -> list[BatchResult]:
    """Import files (or every file in a folder) as batches; one result per batch or per failed file.

    ``jobs``: processes reading files side by side (default one per core, at most one per file; 1 = serial).
    The outcome is the same for any value."""
    return import_paths([Path(p) for p in paths], source=source, unit=unit, as_of=as_of, sheet=sheet,
                        allow_empty=allow_empty, imported_by=imported_by, progress=progress, jobs=jobs)


def link(engine: str = "duckdb", *, spark: Any = None) -> LinkResult:
    """Records → persons (person_index, persons, link_explanations): exact on valid IDs, Splink on the rest."""
    from jiuzhu.engine.linkage import link as link_records  # Splink loads only when linking

    return link_records(engine, spark=spark)
