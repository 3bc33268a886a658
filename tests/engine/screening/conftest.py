"""The small synthetic county ingested into its own warehouse, with the true linkage."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.screening.truth import use_true_linkage
from tests.fixtures.county import SMALL_COUNTY_AS_OF


@pytest.fixture(scope="session")
def county_warehouse(small_county: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jiuzhu.engine.api import ingest

    home = tmp_path_factory.mktemp("screen_home")
    mp = pytest.MonkeyPatch()
    mp.setenv("JIUZHU_HOME", str(home))
    try:
        results = ingest(sorted(p for p in small_county.iterdir() if p.is_file()), as_of=SMALL_COUNTY_AS_OF)
    finally:
        mp.undo()
    assert not [r.file_name for r in results if r.status == "failed"]
    use_true_linkage(home / "warehouse.duckdb", small_county / "truth")
    return home / "warehouse.duckdb"
