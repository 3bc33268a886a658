"""When the last linkage still holds: what it read, as one digest stored beside its tables.

A linkage is a function of the records it reads (``features.lineage_query``: every current record's main
subject with its case numbers, alt cells, 户号 and batch date), of the code and data files that derive,
score and cluster them, of the region and of the library versions. ``inputs_digest`` folds all of these;
``jiuzhu screen`` links again only when the digest differs from the one stored with the last linkage
(docs/scale.md "Incremental runs"): the tables it would write are then the ones already there.

The records' part is summed per batch (``batch_digests``): a stored record's values under its id never
change (a new snapshot is a new batch with new ids; a purge, the only edit, drops the sums), and a lineage
row is a function of its own record and its batch's as_of — but the 户号, read from other records
(``features.household_numbers``), which is summed apart over every current record once per current batch
set (a row of ``batch_digests`` named by the set's digest). So only the
current batches not summed yet are read; the current batch set decides which sums count.

The digest is written only after the person search is rebuilt (``remember``), and every linkage drops it
in the transaction that replaces its tables (``store.write_tables``): a run killed in between
leaves no digest, and the next run links in full.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import duckdb

from jiuzhu.engine.linkage.features import household_numbers, lineage_query
from jiuzhu.engine.linkage.store import STATE_TABLE
from jiuzhu.engine.region import current_region
from jiuzhu.engine.warehouse import BATCH_DIGESTS, record_batch

_ENGINE_DIR = Path(__file__).resolve().parents[1]
# Screening reads the linkage, it does not shape it: its rule files need no relinking.
_NOT_LINKAGE = ("screening",)
_LIBRARIES = ("duckdb", "splink", "pypinyin", "pyarrow")
_HOUSEHOLDS = "户号:"  # the batch_digests row of the 户号 sum: no batch id starts so


def code_digest() -> str:
    """sha256 of the engine's code and data files (screening's aside) and of the libraries' versions."""
    h = hashlib.sha256()
    for path in sorted(_ENGINE_DIR.rglob("*")):
        rel = path.relative_to(_ENGINE_DIR)
        if not path.is_file() or rel.parts[0] in _NOT_LINKAGE or "__pycache__" in rel.parts:
            continue
        h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        h.update(f"{name}={metadata.version(name)}\0".encode())
    return h.hexdigest()


def inputs_digest(con: duckdb.DuckDBPyConnection, engine: str) -> str:
    """The digest of everything the linkage of ``con`` would read (sums of 64-bit row hashes over every
    column of every record: order-free, and one changed cell changes it). Writes the sums of the current
    batches not yet in ``batch_digests``."""
    code = code_digest()
    stored, current = _batch_sums(con, code)
    homes, home_total = _household_sum(con, code, current, stored)
    text = json.dumps({"records": sum(stored[b][0] for b in current), "hash": str(sum(stored[b][1] for b in current)),
                       "households": [homes, str(home_total)], "code": code, "engine": engine,
                       "region": repr(current_region())}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _batch_sums(con: duckdb.DuckDBPyConnection, code: str) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """The rows of ``batch_digests`` taken by this code (count, sum of the row hashes, the 户号 aside), those of
    the current batches not there yet taken and stored; and the current batches."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {BATCH_DIGESTS} (batch_id VARCHAR NOT NULL, code VARCHAR NOT NULL, "
                "records BIGINT NOT NULL, total HUGEINT NOT NULL)")
    con.execute(f"DELETE FROM {BATCH_DIGESTS} WHERE code <> ?", [code]).fetchall()  # another release's
    stored = {b: (n, t) for b, n, t in con.execute(f"SELECT batch_id, records, total FROM {BATCH_DIGESTS}").fetchall()}
    current = [b for (b,) in con.execute("SELECT batch_id FROM current_batches").fetchall()]
    missing = [b for b in current if b not in stored]
    if missing:  # one pass over them all, grouped by the batch a record id begins with (batch:sheet:row)
        rows = lineage_query(con, "(SELECT * FROM subjects WHERE list_contains($batches, batch_id))",
                             households=False)
        found = {b: (n, t) for b, n, t in con.execute(
            f"SELECT {record_batch('l.record_id')} AS b, count(*), sum(hash(l)::HUGEINT) FROM ({rows}) l "
            "GROUP BY b", {"batches": missing}).fetchall()}
        for batch in missing:
            stored[batch] = found.get(batch, (0, 0))
            con.execute(f"INSERT INTO {BATCH_DIGESTS} VALUES (?, ?, ?, ?)", [batch, code, *stored[batch]]).fetchall()
    return stored, current


def _household_sum(con: duckdb.DuckDBPyConnection, code: str, current: list[str],
                   stored: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """Count and sum of (record id, 户号) hashes over the current records: a function of the current batch set
    alone (records never change under their ids), kept in one row of ``batch_digests`` named by the set."""
    key = _HOUSEHOLDS + hashlib.sha256("\0".join(sorted(current)).encode()).hexdigest()
    if key in stored:
        return stored[key]
    n, total = con.execute(
        f"SELECT count(*), coalesce(sum(hash(h.record_id, h.household_no)::HUGEINT), 0) "
        f"FROM ({household_numbers(con)}) h JOIN subjects s ON s.record_id = h.record_id").fetchall()[0]
    con.execute(f"DELETE FROM {BATCH_DIGESTS} WHERE starts_with(batch_id, ?)", [_HOUSEHOLDS]).fetchall()
    con.execute(f"INSERT INTO {BATCH_DIGESTS} VALUES (?, ?, ?, ?)", [key, code, n, total]).fetchall()
    return n, total


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def last_linkage(con: duckdb.DuckDBPyConnection, digest: str) -> dict | None:
    """The stored result of the last linkage when it read exactly what ``digest`` says, else None."""
    if not {STATE_TABLE, "person_index", "persons", "link_explanations", "person_search"} <= _tables(con):
        return None
    found = con.execute(f"SELECT result FROM {STATE_TABLE} WHERE inputs = ?", [digest]).fetchall()
    return json.loads(found[0][0]) if found else None


def remember(con: duckdb.DuckDBPyConnection, digest: str, result: object) -> None:
    """The linkage now stored read ``digest``; ``result`` a LinkResult."""
    con.execute(f"CREATE OR REPLACE TABLE {STATE_TABLE} (inputs VARCHAR NOT NULL, result VARCHAR NOT NULL)")
    con.execute(f"INSERT INTO {STATE_TABLE} VALUES (?, ?)", [digest, json.dumps(asdict(result))])
