"""When the last linkage still holds: what it read, as one digest stored beside its tables.

A linkage is a function of the records it reads (``features.lineage_query``: every current record's main
subject with its case numbers, alt cells, 户号 and batch date), of the code and data files that derive,
score and cluster them, of the region and of the library versions. ``inputs_digest`` folds all of these;
``jiuzhu screen`` links again only when the digest differs from the one stored with the last linkage
(docs/scale.md "Incremental runs"): the tables it would write are then the ones already there.

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

from jiuzhu.engine.linkage.features import lineage_query
from jiuzhu.engine.linkage.store import STATE_TABLE
from jiuzhu.engine.region import current_region

_ENGINE_DIR = Path(__file__).resolve().parents[1]
# Screening reads the linkage, it does not shape it: its rule files need no relinking.
_NOT_LINKAGE = ("screening",)
_LIBRARIES = ("duckdb", "splink", "pypinyin", "pyarrow")


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
    """The digest of everything the linkage of ``con`` would read (a sum of 64-bit row hashes over every
    column of every record: order-free, and one changed cell changes it)."""
    rows, total = con.sql(f"SELECT count(*), sum(hash(l)::HUGEINT) FROM ({lineage_query(con)}) l").fetchall()[0]
    region = current_region()
    text = json.dumps({"records": rows, "hash": str(total), "code": code_digest(), "engine": engine,
                       "region": repr(region)}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


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
