"""Write person_index, persons and link_explanations, replacing all three in one transaction."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date

import duckdb
import pyarrow as pa

from jiuzhu.engine.identity import idcard
from jiuzhu.engine.linkage.clustering import Partition


def person_key(id_number: str | None, smallest_record_id: str) -> str:
    """``p`` + 16 hex of sha256(ID) for a person with a valid ID, else ``r`` + 16 hex of its first record."""
    if id_number:
        return "p" + hashlib.sha256(id_number.encode()).hexdigest()[:16]
    return "r" + hashlib.sha256(smallest_record_id.encode()).hexdigest()[:16]


def _most_common(values: list) -> object | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0]


def build_tables(lineage: pa.Table, part: Partition) -> tuple[pa.Table, pa.Table, pa.Table]:
    rows = lineage.select(["record_id", "source_type", "id_number", "name", "name_masked", "sex",
                           "birth_date"]).to_pylist()
    members: dict[str, list[dict]] = {}
    for r in rows:
        members.setdefault(part.cluster_of[r["record_id"]], []).append(r)
    key_of_root = {}
    for root, recs in members.items():
        key_of_root[root] = person_key(part.id_of_cluster[root], min(r["record_id"] for r in recs))

    index = {"record_id": [], "source_type": [], "person_key": [], "method": []}
    for r in rows:
        root = part.cluster_of[r["record_id"]]
        index["record_id"].append(r["record_id"])
        index["source_type"].append(r["source_type"])
        index["person_key"].append(key_of_root[root])
        if r["id_number"]:
            method = "id"
        else:
            method = "probabilistic" if len(members[root]) > 1 else "single"
        index["method"].append(method)

    persons = {"person_key": [], "name": [], "id_number": [], "sex": [], "birth_date": [], "records": []}
    for root in sorted(members, key=lambda x: key_of_root[x]):
        recs = members[root]
        number = part.id_of_cluster[root]
        with_id = [r for r in recs if r["id_number"]]
        names = [r["name"] for r in (with_id or recs) if not r["name_masked"]]
        name = _most_common(names) or _most_common([r["name"] for r in recs])
        if number:
            sex, birth = idcard.sex(number), idcard.birth_date(number)
        else:
            sex = _most_common([r["sex"] for r in recs])
            b = _most_common([r["birth_date"] for r in recs])
            birth = date.fromisoformat(b) if b else None
        persons["person_key"].append(key_of_root[root])
        persons["name"].append(name)
        persons["id_number"].append(number)
        persons["sex"].append(sex)
        persons["birth_date"].append(birth)
        persons["records"].append(len(recs))

    expl = {"record_id_l": [], "record_id_r": [], "match_weight": [], "match_probability": [], "comparisons": []}
    for e in sorted(part.links, key=lambda e: (e.left, e.right)):
        expl["record_id_l"].append(e.left)
        expl["record_id_r"].append(e.right)
        expl["match_weight"].append(e.match_weight)
        expl["match_probability"].append(e.match_probability)
        expl["comparisons"].append(json.dumps(
            {c: {"level": e.levels[c], "weight": e.weights[c]} for c in e.levels}, ensure_ascii=False))

    return (
        pa.table(index, schema=pa.schema([(c, pa.string()) for c in index])),
        pa.table(persons, schema=pa.schema([("person_key", pa.string()), ("name", pa.string()),
                                            ("id_number", pa.string()), ("sex", pa.string()),
                                            ("birth_date", pa.date32()), ("records", pa.int32())])),
        pa.table(expl, schema=pa.schema([("record_id_l", pa.string()), ("record_id_r", pa.string()),
                                         ("match_weight", pa.float64()), ("match_probability", pa.float64()),
                                         ("comparisons", pa.string())])),
    )


def write_tables(con: duckdb.DuckDBPyConnection, index: pa.Table, persons: pa.Table, expl: pa.Table) -> None:
    """Replace the three tables together: a reader sees the old linkage or the new, never half."""
    con.execute("BEGIN TRANSACTION")
    try:
        for name, table in (("person_index", index), ("persons", persons), ("link_explanations", expl)):
            con.register("_linkage_out", table)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _linkage_out")
            con.unregister("_linkage_out")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
