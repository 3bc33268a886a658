"""`persons export`: one line per stored source record for its main subject (cli.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from jiuzhu.engine.cells import safe_row

HEADER = ("person_key", "source_type", "file", "row", "name", "id_number", "sheet")


def has_linkage(con: duckdb.DuckDBPyConnection) -> bool:
    sql = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'person_index'"
    return con.execute(sql).fetchall()[0][0] > 0


def export_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Rows of the export; ``id_number`` only when valid (the normalised 18-digit form), else empty."""
    return con.sql("""
        SELECT p.person_key, s.source_type, s.file_name, s."row", coalesce(s.name, ''),
               CASE WHEN s.id_status = 'valid' THEN coalesce(s.id_number, '') ELSE '' END, s.sheet
        FROM subjects s JOIN person_index p USING (record_id)
        ORDER BY p.person_key, s.source_type, s.file_name, s.sheet, s."row"
    """).fetchall()


def write_export(path: Path, rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(safe_row(r) for r in rows)
