"""A purge of superseded snapshots and the last run's copies: the last linkage's copies (linkage_records, features,
…) and the last screening's state hold the records current then. A batch superseded and not screened since is still
in them: its purge drops them (the next run is full); a batch no copy holds leaves them as they are."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from jiuzhu.cli.main import main
from jiuzhu.engine.warehouse.retention import LINKAGE_COPIES, SCREENING_STATE
from tests.engine.intake.helpers import ids, write_csv

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "身份证号", "乡镇", "供养方式"]
PEOPLE = ids(3)


@pytest.fixture
def home(tmp_path, monkeypatch, units):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    return tmp_path


def ingest(home: Path, name: str, as_of: str, imported: str, people: list[str]) -> str:
    rows = [HEADER] + [[f"甲{i}", pid, "均溪镇", "集中"] for i, pid in enumerate(people)]
    assert main(["ingest", "--source", "tekun", "--as-of", as_of, str(write_csv(home / f"{name}.csv", rows))]) == 0
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    batch = con.execute("SELECT batch_id FROM batches ORDER BY imported_at DESC LIMIT 1").fetchone()[0]
    con.execute("UPDATE batches SET imported_at = ? WHERE batch_id = ?", [imported, batch])
    con.close()
    return batch


def copies(home: Path) -> dict[str, int]:
    """Each copy table there, with its number of rows."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    there = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
           for t in (*LINKAGE_COPIES, *SCREENING_STATE) if t in there}
    con.close()
    return out


def record_batches(home: Path, table: str) -> set[str]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    out = {r[0] for r in con.execute(f"SELECT DISTINCT split_part(record_id, ':', 1) FROM {table}").fetchall()}
    con.close()
    return out


def test_a_superseded_batch_still_in_the_last_runs_copies_takes_them_with_it(home, capsys):
    old = ingest(home, "old", "2024-01-31", "2024-02-05 10:00:00", PEOPLE[:2])
    assert main(["screen", "--as-of", "2024-02-10"]) == 0
    held = copies(home)
    assert {"linkage_records", "linkage_features", "screening_rows", "screening_state"} <= held.keys()
    assert record_batches(home, "linkage_records") == {old} and old in record_batches(home, "screening_rows")
    ingest(home, "new", "2025-01-31", "2025-02-05 10:00:00", PEOPLE[1:])  # supersedes old; not screened since

    assert main(["purge", "--today", "2026-03-01", "--apply"]) == 0
    assert "旧名单：1 批，记录 2 条" in capsys.readouterr().out
    assert copies(home) == {}
    assert main(["screen", "--as-of", "2025-02-10"]) == 0  # full: copies again, of the current batch only
    assert old not in record_batches(home, "linkage_records") | record_batches(home, "screening_rows")


def test_copies_of_current_batches_only_stay_through_a_purge(home, capsys):
    ingest(home, "old", "2024-01-31", "2024-02-05 10:00:00", PEOPLE[:2])
    new = ingest(home, "new", "2025-01-31", "2025-02-05 10:00:00", PEOPLE[1:])
    assert main(["screen", "--as-of", "2025-02-10"]) == 0
    held = copies(home)
    assert record_batches(home, "linkage_records") == {new}

    assert main(["purge", "--today", "2026-03-01", "--apply"]) == 0
    assert "旧名单：1 批，记录 2 条" in capsys.readouterr().out
    assert copies(home) == held
