"""A new snapshot whose changes cannot reach the residue: the linkage's features without deriving them again.

docs/scale.md "Incremental runs". Every linkage that ``keep``s writes, in the transaction that replaces
its tables, what it read and what it derived for the probabilistic part: every lineage row with a content
digest (``linkage_records``), the features Splink compared (the residue and its candidates,
``linkage_features``), the name frequencies, the population, the places seen, the guard (``features._GUARD``)
and the pinyin of every name. The next run diffs the lineage by content: when every changed record (old
or new version) has a valid ID and provably cannot touch a residue feature — see ``_reaching`` — the
features of now are the stored ones with the record ids of now, and the linkage scores, clusters and
builds its tables from them exactly as a full linkage would; on any doubt it derives everything again.

A record's content leaves out its record id and the batch's as-of date: an unchanged row of a new snapshot
is then the same content under a new record id. The as-of date is read only for the latest birth date a
row without ID allows (``features.birth_to_sql``): ``_moved`` takes that one from now and checks that no
namesake was born between the two dates (the eligible-namesake counts would change).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from jiuzhu.engine.linkage.edges import changed_rows
from jiuzhu.engine.linkage.features import (
    FEATURE_COLUMNS,
    MIN_POPULATION,
    NAME_HEAD,
    NAME_REST,
    NAME_TAIL,
    NUMBER_SQL,
    PINYIN_FUZZY,
    address_index,
    birth_to_sql,
    name_table,
    places,
    records_sql,
)
from jiuzhu.engine.linkage.scoring import paired_with
from jiuzhu.engine.linkage.store import ADDRESSES, AUX_TABLES, DELTA, EDGES, FEATURES, GUARD, NAME_TF, NAMES, RECORDS
from jiuzhu.engine.region import current_region
from jiuzhu.engine.warehouse import table_names


def _content(work: duckdb.DuckDBPyConnection) -> str:
    """SQL: every row of ``lineage`` with ``content_h``, a 64-bit digest of every column but the record id
    and the as-of date."""
    columns = [c for c, *_ in work.sql("DESCRIBE lineage").fetchall() if c not in ("record_id", "as_of")]
    cells = ", ".join(f"l.{c}" for c in columns)
    return f"SELECT hash(struct_pack({cells})) AS content_h, l.* FROM lineage l"


def _places_digest(work: duckdb.DuckDBPyConnection) -> str:
    """The (township, village) pairs of ``lineage``: what addresses are read against (``address_index``)."""
    return str(work.sql("SELECT sum(hash(township, village)::HUGEINT) FROM "
                        "(SELECT DISTINCT township, village FROM lineage)").fetchall()[0][0])


def _summary(work: duckdb.DuckDBPyConnection, population: int, code: str) -> dict:
    return {"code": code, "region": repr(current_region()), "population": population,
            "places": _places_digest(work)}


def kept_tables(work: duckdb.DuckDBPyConnection, features: pa.Table, name_tf: pa.Table, population: int,
                edges: pa.Table, guard: pa.Table, names: pa.Table, addresses: pa.Table, code: str) -> dict:
    """The auxiliary tables of a linkage of ``work``'s lineage (functions or Arrow, for write_tables; the
    features for store.write_features, which writes them before the outputs are built). ``addresses``: what
    the address index read (``features.AddressReader``), valid while the places, region and code are these."""
    summary = json.dumps(_summary(work, population, code), ensure_ascii=False)
    return {RECORDS: lambda: work.sql(_content(work)).to_arrow_reader(), FEATURES: features, NAME_TF: name_tf,
            GUARD: guard, NAMES: names, EDGES: edges, ADDRESSES: addresses, DELTA: pa.table({"summary": [summary]})}


# The values of a changed record that a residue feature or a blocking rule could read, computed as
# derive_in computes them (its own row, names and places; alt and household IDs stay NULL: an ID-bearing
# record has none; the house it may have is tested on its own, from the guard: its own address naming a
# residue's house is refused first, so a house comes only from the other records of its person or 户).
_LITE = f"""
SELECT r.record_id AS unique_id, c.side, r.id_number, c.household_no, c.address, r.norm AS name_norm,
       CASE WHEN NOT r.masked THEN r.pinyin END AS pinyin, r.surname, r.birth AS birth_date,
       substr(r.birth, 1, 7) AS birth_ym, r.sex, r.phone, r.township, r.village, r.judgment_no, r.basis_no,
       {NAME_HEAD} AS name_head, {NAME_TAIL} AS name_tail, {NAME_REST} AS name_rest,
       {PINYIN_FUZZY} AS pinyin_fuzzy,
       CASE WHEN NOT r.masked THEN (SELECT n FROM guard WHERE kind = 'name' AND value = r.norm) END::INTEGER
         AS name_id_persons,
       NULL::VARCHAR AS alt_id, NULL::VARCHAR AS hh_id, NULL::VARCHAR AS house,
       r.fold AS fold_any, r.pinyin AS pinyin_any, r.length AS length_any, r.masked
FROM rec r JOIN compared c USING (record_id)"""

# A record of the same person, unchanged, with the same name keys and places: whatever a changed record
# adds to the namesake and near-name counts (distinct ID numbers per name, place, birth date, typo and sound
# key) it adds too, on both sides of the diff.
_WITNESSED = """EXISTS (SELECT 1 FROM lite w WHERE w.side = 'witness' AND w.id_number = r.id_number
    AND w.masked = r.masked AND w.name_norm IS NOT DISTINCT FROM r.name_norm
    AND w.fold_any IS NOT DISTINCT FROM r.fold_any AND w.length_any IS NOT DISTINCT FROM r.length_any
    AND w.pinyin_any IS NOT DISTINCT FROM r.pinyin_any
    AND w.township IS NOT DISTINCT FROM r.township AND w.village IS NOT DISTINCT FROM r.village)"""


def _reaching(scratch: duckdb.DuckDBPyConnection) -> str | None:
    """Why some changed record (table ``lite``) may reach the residue (``res``, with ``cand``, ``guard``,
    ``wanted``), or None. Each test is a way derive_in lets an ID-bearing record count:"""
    tests = {
        # a name of the residue: namesake counts, term frequency, eligible namesakes (by_name … cum_*)
        "与无身份证号记录同名": f"""r.name_norm IN (SELECT name_norm FROM res WHERE name_norm IS NOT NULL)
             AND NOT {_WITNESSED}""",
        # a near name in a residue's township (features._near_pairs' keys)
        "与无身份证号记录近名同乡镇": f"""EXISTS (SELECT 1 FROM res s WHERE s.township = r.township AND (
             s.pinyin_fuzzy = r.pinyin_fuzzy OR s.name_head = r.name_head OR s.name_tail = r.name_tail
             OR s.name_rest = r.name_rest)) AND NOT {_WITNESSED}""",
        # a member of the 户 of a head named on a row without ID or of a 户 with a house; a 户籍 row (the only
        # rows with a 户号) of such a head or of a person with a house: the households hh and house_of read
        "户主、同户或住址相关": """r.household_no IN (SELECT value FROM guard WHERE kind = 'hh')
             OR (r.household_no IS NOT NULL
                 AND r.id_number IN (SELECT value FROM guard WHERE kind IN ('head', 'house')))""",
        # the house its person has elsewhere is a residue's (the blocking rule on houses)
        "与无身份证号记录同户": """EXISTS (SELECT 1 FROM guard g JOIN res s ON s.house = g.house
             WHERE g.kind = 'house' AND g.value = r.id_number)""",
        # an address that may name a residue's house (features._houses' cut)
        "住址可能与无身份证号记录同户": f"""EXISTS (SELECT 1 FROM wanted w WHERE w.township = trim(r.township)
             AND w.number = {NUMBER_SQL.format(a="r.address")} AND contains(r.address, w.village))""",
        # a candidate before (its features were compared)
        "曾为候选记录": "r.side = 'old' AND r.unique_id IN (SELECT unique_id FROM cand)",
        # some blocking rule pairs it with the residue now
        "与无身份证号记录同一分块": paired_with("res"),
    }
    for reason, test in tests.items():
        if scratch.sql(f"SELECT count(*) FROM lite r WHERE r.side <> 'witness' AND ({test})").fetchall()[0][0]:
            return reason
    return None


@dataclass(frozen=True)
class Stored:
    """What a delta linkage reads of the stored one, under the record ids of now."""

    features: pa.Table  # exactly what derive_in would give
    name_tf: pa.Table
    population: int
    guard: pa.Table
    names: pa.Table  # the keys (name_table) of the names seen then
    addresses: pa.Table  # the stored answers of the address index for the addresses of now (known_addresses)
    edges: pa.Table | None  # the scored pairs (edges.edges_table) as a full scoring finds them, but …
    again: list[str]  # … those of these records, to be scored again (edges.rescored); edges None: score all


def reuse(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection,
          code: str) -> tuple[Stored | None, str]:
    """What ``work``'s lineage's linkage reads, from the stored linkage with the record ids of now — exactly
    what derive_in and the scoring would give — or None; and why not."""
    if not set(AUX_TABLES) <= table_names(con):
        return None, "无上次关联的中间结果"
    [(summary,)] = con.execute(f"SELECT summary FROM {DELTA}").fetchall()
    before = json.loads(summary)
    if before["code"] != code or before["region"] != repr(current_region()):
        return None, "代码或地区已变"
    work.execute(f"CREATE OR REPLACE TEMP TABLE new_h AS SELECT content_h, record_id, id_number "
                 f"FROM ({_content(work)})")
    work.register("_old", con.sql(f"SELECT content_h, record_id, id_number FROM {RECORDS}").to_arrow_reader())
    work.execute("CREATE OR REPLACE TEMP TABLE old_h AS FROM _old")
    work.unregister("_old")
    work.execute("""CREATE OR REPLACE TEMP TABLE changed_h AS
        SELECT content_h FROM (SELECT content_h, count(*) AS n FROM old_h GROUP BY ALL) o
        FULL JOIN (SELECT content_h, count(*) AS n FROM new_h GROUP BY ALL) n USING (content_h)
        WHERE coalesce(o.n, 0) <> coalesce(n.n, 0)""")
    residue_changed = work.sql("""SELECT count(*) FROM (SELECT id_number, content_h FROM old_h UNION ALL
        SELECT id_number, content_h FROM new_h) WHERE id_number IS NULL
        AND content_h IN (SELECT content_h FROM changed_h)""").fetchall()[0][0]
    if residue_changed:
        return None, "无身份证号的记录有变"
    population = max(MIN_POPULATION, work.sql(
        "SELECT count(DISTINCT id_number) + count(*) FILTER (WHERE id_number IS NULL) FROM lineage"
    ).fetchall()[0][0])
    if population != before["population"] or _places_digest(work) != before["places"]:
        return None, "人数或乡镇村有变"
    reason = _check(con, work)
    if reason:
        return None, reason
    # The stored features under the record ids of now: the k-th record of a content then is the k-th now
    # (the same content gives the same features: which of equal records gets which id changes nothing).
    work.register("_feat", con.sql(f"FROM {FEATURES}").to_arrow_table())
    # (numbered within the contents of the stored feature rows only: a partition's numbers need no other)
    work.execute("""CREATE OR REPLACE TEMP TABLE id_map AS
        WITH c AS (SELECT DISTINCT content_h FROM old_h WHERE record_id IN (SELECT unique_id FROM _feat)),
             o AS (SELECT content_h, record_id,
                          row_number() OVER (PARTITION BY content_h ORDER BY record_id) AS k
                   FROM old_h WHERE content_h IN (SELECT content_h FROM c)),
             n AS (SELECT content_h, record_id,
                          row_number() OVER (PARTITION BY content_h ORDER BY record_id) AS k
                   FROM new_h WHERE content_h IN (SELECT content_h FROM c))
        SELECT o.record_id AS old_id, n.record_id AS new_id
        FROM o JOIN n USING (content_h, k) WHERE o.record_id IN (SELECT unique_id FROM _feat)""")
    renamed = work.sql("""SELECT f.* REPLACE (m.new_id AS unique_id), m.new_id IS NULL AS lost
        FROM _feat f LEFT JOIN id_map m ON m.old_id = f.unique_id ORDER BY m.new_id""").to_arrow_table()
    work.unregister("_feat")
    if any(renamed.column("lost").to_pylist()):
        return None, "候选记录有变"
    before = renamed.select(list(FEATURE_COLUMNS))
    features, reason = _moved(work, before)
    if reason:
        return None, reason
    name_tf = con.sql(f"FROM {NAME_TF} ORDER BY name_norm").to_arrow_table()
    guard, names = (con.sql(f"FROM {t}").to_arrow_table() for t in (GUARD, NAMES))
    # the places are the stored linkage's (checked above): its address answers hold, for the addresses of now
    return Stored(features, name_tf, population, guard, names, _current_addresses(con, work),
                  *_edges(con, work, before, features)), ""


def _edges(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection, before: pa.Table,
           after: pa.Table) -> tuple[pa.Table | None, list[str]]:
    """The stored edges under the record ids of now (``id_map``) and the records whose pairs must be scored
    again (edges.rescored); None when they cannot be reused (any pair is then scored)."""
    work.register("_edges", con.sql(f"FROM {EDGES}").to_arrow_table())
    try:
        renamed = work.sql("""SELECT e.* REPLACE (least(a.new_id, b.new_id) AS record_id_l,
                                                  greatest(a.new_id, b.new_id) AS record_id_r)
            FROM _edges e JOIN id_map a ON a.old_id = e.record_id_l JOIN id_map b ON b.old_id = e.record_id_r
            ORDER BY 1, 2""").to_arrow_table()
        if renamed.num_rows != work.sql("SELECT count(*) FROM _edges").fetchall()[0][0]:
            return None, []  # an end without a record now: cannot be (its features were renamed)
    finally:
        work.unregister("_edges")
    again = changed_rows(work, before, after)
    return (renamed, again) if again is not None else (None, [])


def _moved(work: duckdb.DuckDBPyConnection, features: pa.Table) -> tuple[pa.Table, str]:
    """``features`` with the residue's ``birth_to`` of now (a new as-of date moves it), and why not when
    a person bearing a residue name was born between the two dates (``features._cumulative_holders`` would count
    them on one side and not the other) or a bound appeared or went."""
    work.register("_renamed", features)
    try:
        now = f"SELECT record_id, {birth_to_sql()} AS birth_to FROM lineage l WHERE l.id_number IS NULL"
        moved = work.sql(f"""SELECT f.birth_to, n.birth_to FROM _renamed f JOIN ({now}) n
                             ON n.record_id = f.unique_id WHERE f.birth_to IS DISTINCT FROM n.birth_to""").fetchall()
        if not moved:
            return features, ""
        if any(a is None or b is None for a, b in moved):
            return features, "资格出生日期界限有变"
        low, high = min(min(m) for m in moved), max(max(m) for m in moved)
        born = [n for (n,) in work.sql("""
            SELECT DISTINCT name FROM lineage WHERE id_number IS NOT NULL AND name <> ''
              AND strftime(try_strptime(substr(id_number, 7, 8), '%Y%m%d'), '%Y-%m-%d') BETWEEN ? AND ?""",
                                       params=[low, high]).fetchall()]
        residue = set(features.filter(pc.is_null(features.column("id_number"))).column("name_norm").to_pylist())
        if residue & set(name_table(born).column("norm").to_pylist()):
            return features, "资格出生日期界限间有同名者出生"
        out = work.sql(f"""SELECT f.* REPLACE (CASE WHEN f.id_number IS NULL THEN n.birth_to ELSE f.birth_to END
                                              AS birth_to)
                           FROM _renamed f LEFT JOIN ({now}) n ON n.record_id = f.unique_id
                           ORDER BY f.unique_id""").to_arrow_table()
        return out.cast(features.schema), ""
    finally:
        work.unregister("_renamed")


def _check(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection) -> str | None:
    """Why a changed record (old or new version) may reach the residue, or None."""
    if not work.sql("SELECT count(*) FROM changed_h").fetchall()[0][0]:
        return None
    con.register("_changed", work.sql("FROM changed_h").to_arrow_table())
    changed_old = con.sql(f"SELECT 'old' AS side, * EXCLUDE (content_h) FROM {RECORDS} "
                          f"WHERE content_h IN (SELECT content_h FROM _changed)").to_arrow_table()
    con.unregister("_changed")
    # The changed records of now and the other records of the changed records' persons, unchanged
    # (_WITNESSED), in one pass over the lineage (its digests are hashed once more, not twice).
    work.register("_old_ids", changed_old.select(["id_number"]))
    both = work.sql(f"""SELECT CASE WHEN content_h IN (SELECT content_h FROM changed_h) THEN 'new' ELSE 'witness'
                               END AS side, * EXCLUDE (content_h) FROM ({_content(work)})
        WHERE content_h IN (SELECT content_h FROM changed_h)
           OR id_number IN (SELECT id_number FROM new_h WHERE content_h IN (SELECT content_h FROM changed_h))
           OR id_number IN (SELECT id_number FROM _old_ids)""").to_arrow_table()
    work.unregister("_old_ids")
    changed_new = both.filter(pc.equal(both.column("side"), "new"))
    witnesses = both.filter(pc.equal(both.column("side"), "witness"))
    index = address_index(work)  # the places of the whole lineage (unchanged: checked before)
    scratch = duckdb.connect()
    try:
        scratch.register("lineage", pa.concat_tables([changed_new, *(t.select(changed_new.schema.names)
                                                                    .cast(changed_new.schema)
                                                                    for t in (changed_old, witnesses))]))
        places(scratch, index)
        found = [n for (n,) in scratch.sql("SELECT DISTINCT name FROM lineage WHERE name <> ''").fetchall()]
        scratch.register("names", name_table(found))
        scratch.register("alts", pa.table({c: pa.array([], pa.string()) for c in ("kind", "raw", "number")}))
        scratch.execute(records_sql())
        scratch.register("guard", con.sql(f"FROM {GUARD}").to_arrow_table())
        scratch.execute(f"CREATE TEMP TABLE lite AS {_LITE}")
        # the residue's features and which changed records were candidates, not every feature row (a
        # province's 10.5 M rows were ≈ 5 GB of Arrow)
        scratch.register("res", con.sql(f"SELECT * FROM {FEATURES} WHERE id_number IS NULL").to_arrow_table())
        con.register("_changed_ids", changed_old.select(["record_id"]))
        scratch.register("cand", con.sql(f"SELECT unique_id FROM {FEATURES} "
                                         f"WHERE unique_id IN (SELECT record_id FROM _changed_ids)").to_arrow_table())
        con.unregister("_changed_ids")
        scratch.execute("""CREATE TEMP TABLE wanted AS SELECT DISTINCT split_part(house, '|', 1) AS township,
            split_part(house, '|', 2) AS village, split_part(house, '|', 3) AS number
            FROM res WHERE house IS NOT NULL""")
        return _reaching(scratch)
    finally:
        scratch.close()


def diffed(work: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``reuse`` diffed the lineage against the stored linkage (``new_h``, ``old_h``, ``changed_h`` in
    ``work``): a linkage that derives its features again may then write its tables as changes
    (store.write_changes reads only the diff and the tables it builds, whatever the features came from)."""
    found = {n for (n,) in work.sql("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}
    return {"new_h", "old_h", "changed_h"} <= found


def known_names(con: duckdb.DuckDBPyConnection) -> pa.Table | None:
    """The name keys (``name_table``) the last linkage stored, which ``derive_in`` then computes only for
    the names they lack (the code that computed them is this one: ``reuse`` checked the code digest); None
    when the stored table is not such a table."""
    stored = con.sql(f"FROM {NAMES}").to_arrow_table()
    return stored.cast(name_table([]).schema) if stored.schema.names == name_table([]).schema.names else None


def _current_addresses(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection) -> pa.Table:
    """The stored address answers for the addresses of ``work``'s lineage only: a record gone takes its address
    out of them (a purge drops them only when ``linkage_records`` holds the purged batch)."""
    work.register("_addresses", con.sql(f"FROM {ADDRESSES}").to_arrow_table())
    try:
        return work.sql("SELECT * FROM _addresses WHERE address IN (SELECT address FROM lineage) "
                        "ORDER BY address").to_arrow_table()
    finally:
        work.unregister("_addresses")


def known_addresses(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection, code: str) -> pa.Table | None:
    """The address index's answers the stored linkage kept (``features.AddressReader``), for the addresses of
    ``work``'s lineage, when its index is the one of now — the same (township, village) pairs of the lineage,
    region and code (an address's answers depend on nothing else) —; else None (every address read again)."""
    if not {ADDRESSES, DELTA} <= table_names(con):
        return None
    [(summary,)] = con.execute(f"SELECT summary FROM {DELTA}").fetchall()
    before = json.loads(summary)
    if (before["code"], before["region"], before["places"]) != (code, repr(current_region()),
                                                                _places_digest(work)):
        return None
    return _current_addresses(con, work)


def new_names(work: duckdb.DuckDBPyConnection, names: pa.Table) -> pa.Table:
    """``names`` (``name_table``'s columns) with the names of ``lineage`` it lacks."""
    work.register("_known", names)
    missing = [n for (n,) in work.sql("SELECT DISTINCT name FROM lineage WHERE name <> '' "
                                      "AND name NOT IN (SELECT name FROM _known)").fetchall()]
    work.unregister("_known")
    return pa.concat_tables([names, name_table(missing).cast(names.schema)])
