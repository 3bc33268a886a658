"""Write person_index, persons and link_explanations, replacing all three in one transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from jiuzhu.engine.linkage.clustering import Partition
from jiuzhu.engine.warehouse import LINKAGE_COPIES, table_names

# What a record of a person without ID says, independent of the file it came in: the source type
# and the main subject's values (sources.md §2) with the court's case numbers. Record ids name the
# batch, so a new snapshot of the same registry gives the same rows new ids but the same content.
CONTENT_FIELDS = ("source_type", "name", "sex", "birth_date", "phone", "township", "village", "address",
                  "judgment_no", "basis_no")
_SEP = "\x1f"
# What the last linkage read (reuse.py): dropped with every replacement of the linkage tables.
STATE_TABLE = "linkage_state"
# What a delta linkage reads of the last one (delta.py), written with its tables, the summary last. It holds
# a copy of every record's linkage values: a purge drops these too, so the warehouse names them.
AUX_TABLES = LINKAGE_COPIES
RECORDS, FEATURES, NAME_TF, GUARD, NAMES, EDGES, ADDRESSES, DELTA = AUX_TABLES


def record_content(record: dict[str, object]) -> str:
    """The content key of one record (the Python twin of ``_CONTENT_SQL``, for tests and tools)."""
    return _SEP.join("" if record.get(f) is None else str(record[f]) for f in CONTENT_FIELDS)


def person_key(id_number: str | None, smallest_content: str = "", collision: int = 1) -> str:
    """``p`` + 16 hex of sha256(ID) for a person with a valid ID; else ``r`` + 16 hex of sha256 of the
    smallest content key of its records (``#k`` appended for the k-th person, k ≥ 2, by smallest
    record id, whose smallest content key is the same)."""
    if id_number:
        return "p" + hashlib.sha256(id_number.encode()).hexdigest()[:16]
    text = smallest_content + (f"{_SEP}{collision}" if collision > 1 else "")
    return "r" + hashlib.sha256(text.encode()).hexdigest()[:16]


_CONTENT_SQL = " || chr(31) || ".join(f"coalesce(l.{f}::VARCHAR, '')" for f in CONTENT_FIELDS)

# Every record's cluster: those linkage touched (``touched``) as clustering left them; any other record
# is an ID-bearing record alone with its ID (root ``#ID``), exactly as cluster() would have put it.
_IDENT = "CASE WHEN t.record_id IS NULL THEN l.id_number ELSE t.ident END"

def _members(source: str = "lineage") -> str:
    """Table ``m``: every record of ``source`` with its cluster (``root``), the cluster's ID number
    (``ident``) and, for a record of a person without ID, its content key."""
    return f"""
CREATE TEMP TABLE m AS
SELECT l.record_id, l.source_type, l.id_number, l.name, coalesce(l.name_masked, false) AS masked, l.sex,
       l.birth_date, CASE WHEN {_IDENT} IS NULL THEN {_CONTENT_SQL} END AS content,
       coalesce(t.root, '#' || l.id_number, l.record_id) AS root, {_IDENT} AS ident
FROM {source} l LEFT JOIN touched t USING (record_id)"""


# After a delta linkage (delta.py: ``work`` holds ``new_h``, ``old_h``, ``changed_h``), only these can differ
# from the stored rows. A record with a valid ID always has the row (record id, source, key of its ID, 'id')
# whatever its cluster (a person never holds two IDs), so person_index changes only for records new or gone
# and for records without ID. A person with an ID changes only when the contents of its records do (its ID
# on a changed record, old or new version) or which records without ID it holds (its ID in a cluster
# linkage touched now — ``touched`` —, or on a person that held one before — ``linked_before``, from the
# stored person_index); a record renamed with the same content changes neither its name counts nor its
# number of records. Persons without ID are all rebuilt (few: the residue; their keys number clusters
# that share a smallest content).
_SCOPE = """
CREATE OR REPLACE TEMP TABLE scope_ids AS
SELECT id_number AS id FROM new_h WHERE id_number IS NOT NULL AND content_h IN (SELECT content_h FROM changed_h)
UNION SELECT id_number FROM old_h WHERE id_number IS NOT NULL AND content_h IN (SELECT content_h FROM changed_h)
UNION SELECT ident FROM touched WHERE ident IS NOT NULL
UNION SELECT id FROM linked_before;
CREATE OR REPLACE TEMP VIEW scoped AS
SELECT * FROM lineage WHERE id_number IS NULL OR id_number IN (SELECT id FROM scope_ids)
   OR record_id NOT IN (SELECT record_id FROM old_h)"""


def scope_in(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection) -> bool:
    """Register in ``work`` what a scoped ``build_in`` reads of the stored linkage (``linked_before``: the IDs
    of the persons that held a record without ID); False when a table it and ``write_changes`` read is
    missing (then everything is built and written whole)."""
    if not {"person_index", "persons", RECORDS} <= table_names(con):
        return False
    work.register("linked_before", con.sql("""SELECT DISTINCT p.id_number AS id FROM person_index i
        JOIN persons p USING (person_key) WHERE i.method = 'probabilistic' AND p.id_number IS NOT NULL""")
                  .to_arrow_table())
    return True


def _clusters() -> str:
    """Table ``cl``: per cluster its ID number, records, smallest content key and smallest record id."""
    return """
CREATE TEMP TABLE cl AS
SELECT root, ident, count(*) AS records, min(content) AS content, min(record_id) AS first_record
FROM m GROUP BY root, ident"""


_KEY_OF_ID = "'p' || substr(sha256({n}), 1, 16)"  # person_key(ID) in SQL


def _keys() -> str:
    """Table ``keys``: the person key of each cluster (``person_key``): from its ID number, else from
    its smallest content key, numbered by smallest record id when clusters share one."""
    return f"""
CREATE TEMP TABLE keys AS
SELECT root, ident, records, {_KEY_OF_ID.format(n="ident")} AS person_key FROM cl WHERE ident IS NOT NULL
UNION ALL
SELECT root, ident, records,
       'r' || substr(sha256(content || CASE WHEN k > 1 THEN chr(31) || k::VARCHAR ELSE '' END), 1, 16)
FROM (SELECT *, row_number() OVER (PARTITION BY content ORDER BY first_record) AS k
      FROM cl WHERE ident IS NULL)"""


def _index() -> str:
    """SELECT of ``person_index``: one row per record with its person key and how it joined the person."""
    return """
SELECT m.record_id, m.source_type, k.person_key,
       CASE WHEN m.id_number IS NOT NULL THEN 'id' WHEN k.records > 1 THEN 'probabilistic' ELSE 'single' END
         AS method
FROM m JOIN keys k USING (root)
"""


def _persons() -> str:
    """SELECT of ``persons``: one row per person with the best values — the name most used (unmasked
    first, then on ID-bearing records); sex and birth date from the ID number when there is one, else
    the most frequent (counted only where needed: persons without ID; likewise the content key)."""
    return """
WITH names AS (
    SELECT root, name, bool_and(masked) AS masked, count(id_number) AS on_id, count(*) AS n
    FROM m WHERE name IS NOT NULL GROUP BY root, name),
best_name AS (
    SELECT root, arg_min(name, (masked, -on_id, -n, name)) AS name FROM names GROUP BY root),
sexes AS (SELECT root, arg_min(sex, (-n, sex)) AS sex
          FROM (SELECT root, sex, count(*) AS n FROM m WHERE sex IS NOT NULL AND ident IS NULL GROUP BY ALL)
          GROUP BY root),
births AS (SELECT root, arg_min(birth_date, (-n, birth_date)) AS birth_date
           FROM (SELECT root, birth_date, count(*) AS n FROM m WHERE birth_date IS NOT NULL AND ident IS NULL
                 GROUP BY ALL) GROUP BY root)
SELECT k.person_key, b.name, k.ident AS id_number,
       CASE WHEN k.ident IS NOT NULL
            THEN CASE WHEN substr(k.ident, 17, 1)::INTEGER % 2 = 1 THEN '男' ELSE '女' END
            ELSE s.sex END AS sex,
       CASE WHEN k.ident IS NOT NULL THEN strptime(substr(k.ident, 7, 8), '%Y%m%d')::DATE
            ELSE try_cast(bd.birth_date AS DATE) END AS birth_date,
       k.records::INTEGER AS records
FROM keys k LEFT JOIN best_name b USING (root) LEFT JOIN sexes s USING (root) LEFT JOIN births bd USING (root)
"""


# A person with an ID that no record without ID joined is its ID's records alone, whatever linkage touched
# (the root of an ID-bearing record is always ``#ID``): its rows are those _members … _persons give, read
# straight from the lineage — one row per record, one GROUP BY of the ID —, with no cluster table nor join
# by root over a province's 49 M records. Only the persons holding a record without ID
# (``joint_ids``, and those without ID) go through the clusters.
_JOINT = """
CREATE OR REPLACE TEMP TABLE joint_ids AS
SELECT DISTINCT ident AS id FROM touched
WHERE ident IS NOT NULL AND record_id IN (SELECT record_id FROM lineage WHERE id_number IS NULL);
CREATE OR REPLACE TEMP VIEW joint AS
SELECT * FROM lineage WHERE id_number IS NULL OR id_number IN (SELECT id FROM joint_ids);
CREATE OR REPLACE TEMP VIEW id_alone AS
SELECT * FROM lineage WHERE id_number IS NOT NULL AND id_number NOT IN (SELECT id FROM joint_ids)"""

def _index_alone() -> str:
    """SELECT of the ``person_index`` rows of the records of ``id_alone`` (as ``_index`` gives them)."""
    return f"SELECT record_id, source_type, {_KEY_OF_ID.format(n='id_number')} AS person_key, 'id' AS method " \
           "FROM id_alone"


def _persons_alone() -> str:
    """SELECT of the ``persons`` rows of ``id_alone``'s IDs, as ``_persons`` gives them: every record of the
    person bears the ID (on_id = n); sex and birth date from the ID. The name most used is counted only for
    the IDs whose records give two names or more (few): else it is the one name (or none)."""
    return f"""
WITH per_id AS MATERIALIZED (
    SELECT id_number, min(name) AS lo, max(name) AS hi, count(*) AS records FROM id_alone GROUP BY id_number),
several AS (
    SELECT id_number, arg_min(name, (masked, -n, -n, name)) AS name
    FROM (SELECT id_number, name, bool_and(coalesce(name_masked, false)) AS masked, count(*) AS n
          FROM id_alone WHERE name IS NOT NULL AND id_number IN (SELECT id_number FROM per_id WHERE lo <> hi)
          GROUP BY id_number, name)
    GROUP BY id_number)
SELECT {_KEY_OF_ID.format(n='p.id_number')} AS person_key,
       CASE WHEN p.lo = p.hi THEN p.lo ELSE s.name END AS name, p.id_number,
       CASE WHEN substr(p.id_number, 17, 1)::INTEGER % 2 = 1 THEN '男' ELSE '女' END AS sex,
       strptime(substr(p.id_number, 7, 8), '%Y%m%d')::DATE AS birth_date, p.records::INTEGER AS records
FROM per_id p LEFT JOIN several s USING (id_number)"""


def build_in(work: duckdb.DuckDBPyConnection, part: Partition, scoped: bool = False) -> pa.Table:
    """Relations ``out_index`` and ``out_persons`` in ``work``, from its relation ``lineage`` (every
    record) and ``part`` (which may list only the records linkage touched); returns the explanations.
    ``scoped`` (after ``scope_in``, a delta linkage): only the rows that may differ from the stored ones
    (``_SCOPE``), for ``write_changes``; else views, the persons with an ID alone computed as they stream
    out (``_JOINT``)."""
    ids = list(part.cluster_of)
    roots = [part.cluster_of[r] for r in ids]
    work.register("touched", pa.table({
        "record_id": pa.array(ids, pa.string()), "root": pa.array(roots, pa.string()),
        "ident": pa.array([part.id_of_cluster[r] for r in roots], pa.string())}))
    work.execute(_SCOPE if scoped else _JOINT)
    for statement in (_members("scoped" if scoped else "joint"), _clusters(), _keys()):
        work.execute(statement)
    if scoped:
        work.execute(f"CREATE TEMP TABLE out_index AS {_index()}")
        # a person with an ID out of the scope may have only some of its records in ``scoped``: not built
        work.execute(f"CREATE TEMP TABLE out_persons AS {_persons()} "
                     "WHERE k.ident IS NULL OR k.ident IN (SELECT id FROM scope_ids)")
    else:
        work.execute(f"CREATE TEMP VIEW out_index AS {_index_alone()} UNION ALL {_index()}")
        work.execute(f"CREATE TEMP VIEW out_persons AS {_persons_alone()} UNION ALL ({_persons()})")

    expl: dict[str, list[Any]] = {c: [] for c in ("record_id_l", "record_id_r", "match_weight",
                                                  "match_probability", "comparisons")}
    for e in sorted(part.links, key=lambda e: (e.left, e.right)):
        expl["record_id_l"].append(e.left)
        expl["record_id_r"].append(e.right)
        expl["match_weight"].append(e.match_weight)
        expl["match_probability"].append(e.match_probability)
        expl["comparisons"].append(json.dumps(
            {c: {"level": e.levels[c], "weight": e.weights[c]} for c in e.levels}, ensure_ascii=False))
    return pa.table(expl, schema=pa.schema([
        ("record_id_l", pa.string()), ("record_id_r", pa.string()), ("match_weight", pa.float64()),
        ("match_probability", pa.float64()), ("comparisons", pa.string())]))


def _once(table: pa.Table) -> pa.RecordBatchReader:
    """``table``'s batches, each let go once read. Within ``replacing``, an object registered with the warehouse
    stays referenced by its transaction until COMMIT, unregistered or not: a table registered as is would stay in
    memory through the whole write (a province's features, ≈ 5 GB, docs/performance.md), a reader read out
    holds nothing."""
    batches = table.to_batches()[::-1]

    def each() -> Iterator[pa.RecordBatch]:
        while batches:
            yield batches.pop()

    return pa.RecordBatchReader.from_batches(table.schema, each())


def _create(con: duckdb.DuckDBPyConnection, tables: list[tuple[str, Any]]) -> None:
    """Each (name, Arrow or a function giving it) as a table of that name, replacing any."""
    for name, table in tables:
        given = table() if callable(table) else table
        con.register("_linkage_out", _once(given) if isinstance(given, pa.Table) else given)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _linkage_out")
        con.unregister("_linkage_out")


@contextmanager
def replacing(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The one transaction in which a linkage replaces its tables (``write_features``, then ``write_tables``
    or ``write_changes``): a reader sees the old linkage or the new, never half; an error or a kill leaves
    the old."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def write_features(con: duckdb.DuckDBPyConnection, aux: dict[str, Any]) -> None:
    """Within ``replacing``, before the outputs are built: the features (``aux``'s Arrow, a province's 10⁷ rows)
    go straight into the warehouse and out of ``aux``, so they need not wait in the scratch database — a copy
    in and a copy out of 10⁷ rows of 42 columns (docs/performance.md, linkwrite)."""
    _create(con, [(FEATURES, aux.pop(FEATURES))])


def write_tables(con: duckdb.DuckDBPyConnection, index: Any, persons: Any, expl: Any,
                 aux: dict[str, Any] | None = None) -> None:
    """Replace the three tables, within ``replacing``. Each table is Arrow, or a function giving it when its
    turn comes (a record batch reader streamed from a scratch database: a province's index is never whole in
    memory). ``aux``: what a delta linkage reads next time (delta.py), written with them (but what
    ``write_features`` wrote); without it, the stored ones go (they would describe another linkage's input)."""
    con.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
    for name in () if aux else AUX_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {name}")
    _create(con, [("person_index", index), ("persons", persons), ("link_explanations", expl),
                  *((name, aux[name]) for name in AUX_TABLES if aux and name in aux)])


def _same_row(a: str, b: str, columns: list[str]) -> str:
    return " AND ".join(f"{a}.{c} IS NOT DISTINCT FROM {b}.{c}" for c in columns)


def _bring_up(con: duckdb.DuckDBPyConnection, table: str, new: pa.Table, scope: str = "true") -> None:
    """Make the rows of ``table`` in ``scope`` (SQL on ``t``; ``_linkage_new`` is ``new``) exactly the rows of
    ``new`` (rows unique: each has its key) by deleting those not in it and inserting those missing — a delta
    linkage changes a few thousand of 10⁵–10⁷."""
    columns = new.schema.names
    con.register("_linkage_new", new)
    try:
        con.execute(f"DELETE FROM {table} t WHERE ({scope}) AND NOT EXISTS (SELECT 1 FROM _linkage_new n "
                    f"WHERE {_same_row('n', 't', columns)})")
        con.execute(f"INSERT INTO {table} SELECT * FROM _linkage_new n WHERE NOT EXISTS (SELECT 1 FROM {table} t "
                    f"WHERE {_same_row('n', 't', columns)})")
    finally:
        con.unregister("_linkage_new")


def write_changes(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection, expl: Any,
                  aux: dict[str, Any]) -> None:
    """A delta linkage's write (delta.py: ``work`` holds ``out_index`` and ``out_persons`` of a scoped
    ``build_in``, the content digests of the records now, ``new_h``, and then, ``old_h``): the rows of
    person_index, persons and linkage_records that differ from the stored ones are replaced, the rest written
    whole (but what ``write_features`` wrote), within ``replacing`` as ``write_tables``; the same rows (not in
    the same physical order). A record's content under its id never changes (a purge, the only edit, drops the
    stored tables), so its stored row stays when id and digest are the same."""
    index = work.sql("FROM out_index").to_arrow_table()
    persons = work.sql("FROM out_persons").to_arrow_table()
    ids = work.sql("FROM scope_ids").to_arrow_table()
    gone = work.sql("SELECT record_id FROM old_h WHERE record_id NOT IN (SELECT record_id FROM new_h)"
                    ).to_arrow_table()
    pairs = work.sql("SELECT record_id, content_h FROM new_h").to_arrow_table()
    # the stored rows' columns: the digest, then the lineage's (delta._content)
    added = work.sql("""SELECT n.content_h, l.* FROM lineage l JOIN new_h n ON n.record_id = l.record_id
        WHERE NOT EXISTS (SELECT 1 FROM old_h o WHERE o.record_id = n.record_id AND o.content_h = n.content_h)
        """).to_arrow_table()
    con.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
    con.register("_linkage_gone", gone)
    con.execute("DELETE FROM person_index WHERE record_id IN (SELECT record_id FROM _linkage_gone)")
    con.unregister("_linkage_gone")
    _bring_up(con, "person_index", index, "t.record_id IN (SELECT record_id FROM _linkage_new)")
    con.register("_linkage_ids", ids)
    _bring_up(con, "persons", persons, "t.id_number IS NULL OR t.id_number IN (SELECT id FROM _linkage_ids)")
    con.unregister("_linkage_ids")
    con.register("_linkage_pairs", pairs)
    con.execute(f"DELETE FROM {RECORDS} r WHERE NOT EXISTS (SELECT 1 FROM _linkage_pairs p "
                f"WHERE p.record_id = r.record_id AND p.content_h = r.content_h)")
    con.unregister("_linkage_pairs")
    con.register("_linkage_out", added)
    con.execute(f"INSERT INTO {RECORDS} SELECT * FROM _linkage_out")
    con.unregister("_linkage_out")
    _create(con, [("link_explanations", expl),
                  *((n, aux[n]) for n in AUX_TABLES if n in aux and n not in (RECORDS, NAMES))])
    # the name keys only grow (a delta linkage adds the names it lacks): only those are written
    con.register("_linkage_names", aux[NAMES]() if callable(aux[NAMES]) else aux[NAMES])
    con.execute(f"INSERT INTO {NAMES} SELECT * FROM _linkage_names n "
                f"WHERE n.name NOT IN (SELECT name FROM {NAMES})")
    con.unregister("_linkage_names")
