"""Read the main subject of every stored record and derive the columns linkage compares.

The same feature table feeds both engines, so DuckDB and Spark compare identical values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from jiuzhu.engine.linkage.namekeys import name_keys

# Columns handed to Splink (one row per record), in this order.
FEATURE_COLUMNS = (
    "unique_id", "id_number", "name_norm", "name_fold", "pinyin", "surname", "name_masked",
    "name_len", "name_head", "name_tail", "birth_date", "birth_ym", "birth_year", "sex", "phone",
    "township", "village", "judgment_no", "basis_no",
)


@dataclass
class Subjects:
    """The records to link: lineage for the outputs, features for the comparisons."""

    lineage: pa.Table  # record_id, source_type, file_name, sheet, row, id_status, id_number, name, …
    features: pa.Table  # FEATURE_COLUMNS
    name_tf: pa.Table  # name_norm, tf_name_norm (share of records bearing that name)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    sql = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
    return con.execute(sql, [name]).fetchall()[0][0] > 0


def _case_numbers(con: duckdb.DuckDBPyConnection) -> str:
    """SQL joining each record's case numbers (victim 判决案号, enforcement 执行依据文书号)."""
    parts = ["SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS judgment_no, NULL::VARCHAR AS basis_no WHERE false"]
    if _has_table(con, "rec_victim"):
        parts.append("SELECT record_id, judgment_no, NULL FROM rec_victim WHERE judgment_no IS NOT NULL")
    if _has_table(con, "rec_enforcement"):
        parts.append("SELECT record_id, NULL, basis_no FROM rec_enforcement WHERE basis_no IS NOT NULL")
    return " UNION ALL ".join(parts)


def read_subjects(con: duckdb.DuckDBPyConnection) -> Subjects:
    lineage = con.sql(f"""
        SELECT s.record_id, s.source_type, s.file_name, s.sheet, s."row", s.id_status,
               CASE WHEN s.id_status = 'valid' THEN s.id_number END AS id_number,
               s.name, coalesce(s.name_masked, false) AS name_masked, s.sex,
               strftime(s.birth_date, '%Y-%m-%d') AS birth_date, s.phone, s.township, s.village,
               c.judgment_no, c.basis_no
        FROM subjects s
        LEFT JOIN ({_case_numbers(con)}) c USING (record_id)
        ORDER BY s.record_id
    """).to_arrow_table()
    return Subjects(lineage, build_features(lineage), name_frequencies(lineage))


def _blank(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def build_features(lineage: pa.Table) -> pa.Table:
    cols: dict[str, list] = {c: [] for c in FEATURE_COLUMNS}
    rows = lineage.select(
        ["record_id", "id_number", "name", "name_masked", "birth_date", "sex", "phone", "township",
         "village", "judgment_no", "basis_no"]
    ).to_pylist()
    for r in rows:
        keys = name_keys(r["name"])
        masked = bool(r["name_masked"]) or (keys is not None and keys.masked)
        birth = _blank(r["birth_date"])
        cols["unique_id"].append(r["record_id"])
        cols["id_number"].append(r["id_number"])
        cols["name_norm"].append(keys.norm if keys else None)
        cols["name_fold"].append(keys.fold if keys and not masked else None)
        cols["pinyin"].append(keys.pinyin if keys and not masked else None)
        cols["surname"].append(keys.surname if keys else None)
        cols["name_masked"].append(masked)
        cols["name_len"].append(keys.length if keys else None)
        # Blocking keys for a one-character typo: the name minus its last / its middle.
        full = keys.fold if keys and not masked else None
        cols["name_head"].append(full[:-1] if full and len(full) >= 2 else None)
        cols["name_tail"].append(full[:1] + full[-1:] if full and len(full) >= 3 else None)
        cols["birth_date"].append(birth)
        cols["birth_ym"].append(birth[:7] if birth else None)
        cols["birth_year"].append(birth[:4] if birth else None)
        cols["sex"].append(_blank(r["sex"]))
        cols["phone"].append(_blank(r["phone"]))
        cols["township"].append(_blank(r["township"]))
        cols["village"].append(_blank(r["village"]))
        cols["judgment_no"].append(_blank(r["judgment_no"]))
        cols["basis_no"].append(_blank(r["basis_no"]))
    types = {"name_masked": pa.bool_(), "name_len": pa.int32()}
    return pa.table({c: pa.array(v, type=types.get(c, pa.string())) for c, v in cols.items()})


def name_frequencies(lineage: pa.Table) -> pa.Table:
    """Share of all records bearing each name: the term frequencies for common names (王伟)."""
    counts: Counter[str] = Counter()
    for name in lineage.column("name").to_pylist():
        keys = name_keys(name)
        if keys and not keys.masked:
            counts[keys.norm] += 1
    total = sum(counts.values()) or 1
    names = sorted(counts)
    return pa.table({
        "name_norm": pa.array(names, pa.string()),
        "tf_name_norm": pa.array([counts[n] / total for n in names], pa.float64()),
    })
