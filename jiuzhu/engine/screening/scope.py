"""Screening limited to the persons a change concerns (docs/screening.md "Screening only what changed").

A clue belongs to one person (its key is ``rule|person_key|trigger_key``) and its content is read from:
the person's own records and ``persons`` row (profile, subject fields, evidence, tags, exclusions — which
look at the same person only), the 户 of the person's household rows (a child rule's parents, a dead
victim's relatives), and the enforcement records whose 执行依据文书号 is one of the person's 判决案号 (the
victim link). So after a change of some records, the clues that can differ are those of:

- the persons of every changed record, old or new version (``person_key`` moved by linkage included), and of
  every changed ``persons`` row;
- with a rule reading the 户: everyone in a 户 that a changed household row names (old or new 户号) or that a
  changed person has a household row in;
- with a rule reading the victim link: the victims whose 判决案号 a changed enforcement record names as its
  basis (old or new).

Those persons are screened; to do so their whole 户 is profiled too (a child's parents), and the
enforcement records linked to their victim records are read whoever applied for them. Which joins a run
needs is derived from the enabled rules' subjects and evidence kinds (``SUBJECT_JOINS``,
``EVIDENCE_JOINS``); a kind not listed there cannot be scoped and the run is full.

What changed is found without the linkage's help: every current record's columns screening reads are
reduced to a 64-bit digest kept with its person key, and every ``persons`` row to one (``screening_rows``,
written after each DuckDB screening of every enabled rule, with ``screening_state``: a token, what else the
clues depend on — the as-of date, the rule versions (parameters, terms, tags, priority weights), the wage, the
screening code, DuckDB's version and what the caller adds — and the current batches the rows cover). The next
run compares. Any doubt → full.

A record's digest is hashed once: a stored record's values never change under its id (a new snapshot is a new
batch with new ids; a purge, the only edit, drops the state — warehouse/retention.py), so the records of a batch
the stored state covers take their stored digest and link, and only the records of batches current since are
read and hashed; every record's person key is read again (linkage may move it).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from jiuzhu.engine.screening.subjects import COMMON_COLUMNS, SOURCE_COLUMNS
from jiuzhu.engine.warehouse import SCREENING_STATE, record_batch

STATE, ROWS, _LEFT = SCREENING_STATE  # the token and meta; the rows; (this run's rows in the warehouse, before)
# This run's rows: a temporary table, written to ROWS as changes when the run is stored (only the records of
# batches current since the stored state are hashed, and only the rows that changed are written).
_NEXT = "temp.main.screening_rows_now"
_BATCHES = "temp.main.screening_now_batches"  # the current batches this run's rows cover

# Which joins beyond the person's own records a subject reads (subjects.py), and an evidence kind (runner.py).
SUBJECT_JOINS: dict[str, frozenset[str]] = {
    "person": frozenset(), "enforcement": frozenset(),
    "victim": frozenset({"case"}),         # linked_unpaid_* through victim_links
    "victim_case": frozenset({"case"}),    # victim_links: basis_no = judgment_no
    "child": frozenset({"household"}),     # the 户主 and 配偶 of the child's 户
}
EVIDENCE_JOINS: dict[str, frozenset[str]] = {
    "hardship": frozenset(), "poverty_watch": frozenset(), "unpaid": frozenset(), "uncompensated": frozenset(),
    "linked_unpaid": frozenset({"case"}), "relatives_if_dead": frozenset({"household"}),
    "parents": frozenset({"household"}),
}
# The column of a state row that names what it joins: a household row's 户号, an enforcement record's
# 执行依据文书号, a victim record's 判决案号.
_LINK = {"household": "household_no", "enforcement": "basis_no", "victim": "judgment_no"}
# A state row unchanged: the same record (or person) with the same values and the same person key (the digest).
_SAME = "o.source_type = n.source_type AND o.record_id = n.record_id AND o.digest = n.digest"
# Above this share of the persons, a scoped run is not worth it.
_MOST = 0.5


@dataclass(frozen=True)
class Plan:
    """How a run screens: ``scoped`` (only ``scope_people``) or full, and why (Chinese, for the CLI)."""

    scoped: bool
    reason: str
    joins: frozenset[str] = frozenset()


def joins_of(rules: Iterable[Any]) -> frozenset[str] | None:
    """The joins the rules read (``household``, ``case``); None when one reads something not declared here."""
    out: set[str] = set()
    for rule in rules:
        if rule.subject not in SUBJECT_JOINS:
            return None
        out |= SUBJECT_JOINS[rule.subject]
        for kind in rule.get("evidence", []):
            if kind not in EVIDENCE_JOINS:
                return None
            out |= EVIDENCE_JOINS[kind]
    return frozenset(out)


@cache
def code_digest() -> str:
    """The screening code and data files (every file of this package), and DuckDB's version."""
    h = hashlib.sha256(duckdb.__version__.encode())
    root = Path(__file__).parent
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".toml")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def meta(as_of: date, rule_versions: Mapping[str, str], monthly_wage_fen: int,
         context: Mapping[str, str]) -> str:
    """Everything but the records a clue's content depends on, as one text to compare."""
    return json.dumps({"as_of": as_of.isoformat(), "rules": dict(rule_versions), "wage": monthly_wage_fen,
                       "code": code_digest(), "context": dict(context)}, sort_keys=True)


def _digest(cols: tuple[str, ...]) -> str:
    return f"hash({', '.join(f'r.{c}' for c in (*COMMON_COLUMNS, *cols))})"


def _key(alias: str) -> str:
    return f"COALESCE(pi.person_key, concat('r:', {alias}.record_id))"


def _rows_select(new_batches: Mapping[str, list[str]] | None) -> str:
    """One row per current record (its person key, its link, a digest of the columns screening reads) and per
    ``persons`` row. ``new_batches``: per source type, the current batches whose records are hashed — the
    other current batches' rows are the stored ones; None: every current record hashed."""
    parts = []
    for st, cols in SOURCE_COLUMNS.items():
        if new_batches is not None and not new_batches.get(st):
            continue
        link = f"r.{_LINK[st]}" if st in _LINK else "CAST(NULL AS VARCHAR)"
        # literal batch ids: DuckDB skips the row groups of the other batches (a batch's rows are appended together)
        table, where = (f"cur_{st}", "") if new_batches is None else (
            f"rec_{st}", f" WHERE r.batch_id IN ({', '.join(_quote(b) for b in new_batches[st])})")
        parts.append(
            f"SELECT '{st}' AS source_type, r.record_id, {_key('r')} AS person_key, {link} AS link, "
            f"{_digest(cols)} AS value_digest FROM {table} r "
            f"LEFT JOIN person_index pi ON pi.record_id = r.record_id{where}")
    if new_batches is not None:
        parts.append(
            f"SELECT o.source_type, o.record_id, {_key('o')} AS person_key, o.link, o.value_digest FROM {ROWS} o "
            f"LEFT JOIN person_index pi ON pi.record_id = o.record_id WHERE o.source_type <> 'persons' "
            f"AND {record_batch('o.record_id')} IN (SELECT batch_id FROM {_BATCHES})")
    parts.append("SELECT 'persons', person_key, person_key, CAST(NULL AS VARCHAR), "
                 "hash(name, id_number, sex, birth_date) FROM persons")
    # ``digest``: the values' and the person key's, what the diff compares (one key fewer to join on)
    return (f"SELECT source_type, record_id, person_key, link, hash(value_digest, person_key) AS digest, "
            f"value_digest FROM ({' UNION ALL '.join(parts)})")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _stored_batches(con: duckdb.DuckDBPyConnection, have: set[str]) -> list[str] | None:
    """The batches whose rows the stored state holds, when its digests are this code's; else None."""
    if STATE not in have or ROWS not in have:
        return None
    columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_name = ?", [STATE]).fetchall()}
    if "batches" not in columns:
        return None
    stored_meta, batches = con.execute(f"SELECT meta, batches FROM {STATE}").fetchone()
    if json.loads(stored_meta).get("code") != code_digest():  # another digest, perhaps of other columns
        return None
    return list(batches)


def prepare(con: duckdb.DuckDBPyConnection, have: set[str]) -> None:
    """This run's state rows, in a temporary table (made before the scratch database's transaction, which may
    write only there) until ``commit``; the current batches they cover in another."""
    current = con.execute("SELECT batch_id, source_type FROM current_batches ORDER BY batch_id").fetchall()
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_BATCHES.rsplit('.', 1)[1]} (batch_id VARCHAR)")
    if current:
        con.executemany(f"INSERT INTO {_BATCHES} VALUES (?)", [[b] for b, _ in current])
    stored = _stored_batches(con, have)
    new: dict[str, list[str]] | None = None
    if stored is not None:
        covered, new = set(stored), {}
        for batch_id, st in current:
            if batch_id not in covered:
                new.setdefault(st, []).append(batch_id)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_NEXT.rsplit('.', 1)[1]} AS {_rows_select(new)}")


def decide(con: duckdb.DuckDBPyConnection, *, wanted: bool, last_token: str | None, this_meta: str,
           joins: frozenset[str] | None, have: set[str]) -> Plan:
    """Scoped only when the last stored run is the one whose state the warehouse holds and nothing but
    records changed since."""
    if not wanted:
        return Plan(False, "要求完整筛查")
    if joins is None:
        return Plan(False, "有规则读取的关联无法限定范围")
    if STATE not in have or ROWS not in have:
        return Plan(False, "没有上次筛查的状态")
    token, stored_meta = con.execute(f"SELECT token, meta FROM {STATE}").fetchone()
    if not last_token or token != last_token:
        return Plan(False, "上次筛查的结果与状态不符")
    if stored_meta != this_meta:
        was, now = json.loads(stored_meta), json.loads(this_meta)
        what = {"as_of": "基准日", "rules": "规则、参数或共用设置", "wage": "工资标准", "code": "筛查代码",
                "context": "线索保存代码"}
        return Plan(False, "、".join(v for k, v in what.items() if was.get(k) != now.get(k)) + "变了")
    return Plan(True, "", joins)


def stages(joins: frozenset[str]) -> list[tuple[str, str]]:
    """The scope's tables (in the scratch database): changed rows, the persons to screen
    (``scope_people``), the persons to profile (``scope_profile``) and the records to read
    (``scope_records``)."""
    household, case = "household" in joins, "case" in joins
    changed = (f"SELECT n.source_type, n.person_key, n.link FROM {_NEXT} n ANTI JOIN {ROWS} o ON {_SAME} "
               f"UNION ALL SELECT o.source_type, o.person_key, o.link FROM {ROWS} o ANTI JOIN {_NEXT} n ON {_SAME}")
    people = ["SELECT person_key FROM scope_changed"]
    if household:
        people.append(f"SELECT n.person_key FROM {_NEXT} n JOIN scope_households h ON h.link = n.link "
                      f"WHERE n.source_type = 'household'")
    if case:
        people.append(f"SELECT n.person_key FROM {_NEXT} n JOIN scope_cases c ON c.link = n.link "
                      f"WHERE n.source_type = 'victim'")
    out = [("scope_changed", changed)]
    if household:
        out.append(("scope_households",
                    "SELECT link FROM scope_changed WHERE source_type = 'household' AND link IS NOT NULL "
                    f"UNION SELECT n.link FROM {_NEXT} n JOIN scope_changed c ON c.person_key = n.person_key "
                    "WHERE n.source_type = 'household' AND n.link IS NOT NULL"))
    if case:
        out.append(("scope_cases", "SELECT DISTINCT link FROM scope_changed "
                                   "WHERE source_type = 'enforcement' AND link IS NOT NULL"))
    out.append(("scope_people", " UNION ".join(people)))
    # A screened person's child rows need the 户主 and 配偶 of each of the person's 户: the whole 户 is profiled.
    profile = ["SELECT person_key FROM scope_people"]
    if household:
        profile.append(f"SELECT n.person_key FROM {_NEXT} n WHERE n.source_type = 'household' AND n.link IN "
                       f"(SELECT m.link FROM {_NEXT} m JOIN scope_people p ON p.person_key = m.person_key "
                       f"WHERE m.source_type = 'household' AND m.link IS NOT NULL)")
    out.append(("scope_profile", " UNION ".join(profile)))
    records = [f"SELECT n.source_type, n.record_id, n.person_key FROM {_NEXT} n "
               f"JOIN scope_profile p ON p.person_key = n.person_key WHERE n.source_type <> 'persons'"]
    if case:
        # The enforcement records linked to a screened victim's 判决案号, whoever applied.
        records.append(f"SELECT n.source_type, n.record_id, n.person_key FROM {_NEXT} n "
                       f"WHERE n.source_type = 'enforcement' AND n.link IN (SELECT v.link FROM {_NEXT} v "
                       f"JOIN scope_people p ON p.person_key = v.person_key "
                       f"WHERE v.source_type = 'victim' AND v.link IS NOT NULL)")
    out.append(("scope_records", " UNION ".join(records)))
    return out


def too_wide(backend: Any) -> bool:
    """Whether the scope holds most persons (a full run is then as cheap)."""
    [row] = backend.fetch(f"SELECT (SELECT count(*) FROM scope_people) AS n, "
                          f"(SELECT count(DISTINCT person_key) FROM {_NEXT}) AS total")
    return row["n"] > _MOST * row["total"]


def commit(con: duckdb.DuckDBPyConnection, this_meta: str, have: set[str]) -> str:
    """Make this run's rows the stored state, with a new token (the caller stores it with the clues) and the
    batches they cover: the rows gone deleted and the new ones inserted, in one transaction."""
    token = uuid.uuid4().hex
    con.execute("BEGIN TRANSACTION")
    con.execute(f"DROP TABLE IF EXISTS {_LEFT}")
    columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                         "ORDER BY ordinal_position", [ROWS]).fetchall()]
    if ROWS in have and columns == [d[0] for d in con.execute(f"SELECT * FROM {_NEXT} LIMIT 0").description]:
        con.execute(f"DELETE FROM {ROWS} WHERE rowid IN (SELECT o.rowid FROM {ROWS} o ANTI JOIN {_NEXT} n ON {_SAME})")
        con.execute(f"INSERT INTO {ROWS} SELECT * FROM {_NEXT} n ANTI JOIN {ROWS} o ON {_SAME}")
    else:
        con.execute(f"CREATE OR REPLACE TABLE {ROWS} AS SELECT * FROM {_NEXT}")  # none, or an older release's
    con.execute(f"CREATE OR REPLACE TABLE {STATE} AS SELECT ? AS token, ? AS meta, "
                f"(SELECT coalesce(list(batch_id ORDER BY batch_id), []::VARCHAR[]) FROM {_BATCHES}) AS batches",
                [token, this_meta])
    con.execute("COMMIT")
    con.execute(f"DROP TABLE {_NEXT}")
    con.execute(f"DROP TABLE {_BATCHES}")
    return token


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the stored state: the clues of this run are not a full DuckDB screening's (one rule, Spark)."""
    for table in (*SCREENING_STATE, _NEXT, _BATCHES):
        con.execute(f"DROP TABLE IF EXISTS {table}")
