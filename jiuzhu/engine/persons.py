"""The read side of the person index for the app: search persons, one person's records, and why the
records are one person — in the users' words (docs/clues.md). No Django; reached through engine/api.py.

Search reads ``person_search`` (persons with their names' pinyin and initials), which `build_search`
writes after every linkage; a warehouse without it is searched by name and ID only."""

from __future__ import annotations

import atexit
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jiuzhu.engine.home import warehouse_path
from jiuzhu.engine.linkage import name_keys
from jiuzhu.engine.warehouse import RECORDS_STAGED, before_open, file_version, writer_waiting
from jiuzhu.engine.warehouse import table_names as _tables

PERSON_VALUES = ("name", "id_number", "sex", "birth_date", "phone", "township", "village", "address")
FIELD_NAMES = {
    "name": "姓名",
    "id_number": "身份证号",
    "sex": "性别",
    "birth_date": "出生日期",
    "phone": "联系电话",
    "township": "乡镇",
    "village": "村居",
    "address": "住址",
}
# The comparisons of linkage/model.py as the users say them.
COMPARISON_NAMES = {
    "name": "姓名",
    "name_unique": "同名人数",
    "near_unique": "近名人数",
    "birth_date": "出生日期",
    "sex": "性别",
    "phone": "联系电话",
    "township": "乡镇",
    "village": "村居",
    "eligibility": "年龄与名册",
    "alt_id": "同行证件号（残疾证号、户主身份证号）",
    "address": "门牌（住址）",
    "case": "案号",
}
# Where a comparison's values are read on each record (None: a derived feature, shown by its level only).
COMPARISON_FIELD = {
    "name": "name",
    "birth_date": "birth_date",
    "sex": "sex",
    "phone": "phone",
    "township": "township",
    "village": "village",
    "address": "address",
}
METHOD_LABELS = {
    "id": "身份证号一致",
    "probabilistic": "概率匹配（姓名、出生日期等）",
    "single": "仅此一条记录",
}
ID_RE = re.compile(r"^\d{17}[\dXx]$")
NAME_DIGITS_RE = re.compile(r"^([^\d\s]+)\s*(\d{3,6}[Xx]?)$")
PINYIN_RE = re.compile(r"^[A-Za-z][A-Za-z ]*$")


class WarehouseUnavailable(Exception):  # noqa: N818
    """No warehouse, no linkage yet, or a file another process is writing: said in Chinese."""


@dataclass(frozen=True)
class Query:
    kind: str  # id | name_digits | pinyin | name | empty
    text: str = ""
    digits: str = ""


def parse_query(text: str) -> Query:
    """What a search box holds: a full ID number, a name with the ID's last digits (``张三 1234``), pinyin
    or initials (``zhangsan``, ``zs``), or a name or part of one."""
    q = (text or "").strip()
    if not q:
        return Query("empty")
    if ID_RE.match(q):
        return Query("id", q.upper())
    m = NAME_DIGITS_RE.match(q)
    if m:
        return Query("name_digits", m.group(1), m.group(2).upper())
    if PINYIN_RE.match(q):
        return Query("pinyin", q.replace(" ", "").lower())
    return Query("name", q)


@dataclass
class PersonHit:
    person_key: str
    name: str
    id_number: str | None
    sex: str | None
    birth_date: date | None
    records: int


@dataclass
class SourceRecord:
    record_id: str
    source_type: str
    file: str
    sheet: str
    row: int
    as_of: date | None  # the snapshot's date (数据截止日期)
    current: bool  # in the latest snapshot of its registry
    method: str  # how it joined the person, in words
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Comparison:
    field: str  # Chinese
    level: str  # linkage's own Chinese level label
    weight: float
    verdict: str  # 相符 / 不符 / 不影响 / 不适用 / 无法比较 (see `verdict`)
    left: str = ""
    right: str = ""


@dataclass
class LinkPair:
    left: SourceRecord
    right: SourceRecord
    weight: float
    probability: float  # percent
    strength: str
    comparisons: list[Comparison]


@dataclass
class PersonFile:
    person: PersonHit | None
    records: list[SourceRecord]
    links: list[LinkPair]


def strength_word(probability: float) -> str:
    """A plain word for how sure the match is (`probability` in percent)."""
    for bound, word in ((99.9, "极强"), (99.0, "很强"), (95.0, "较强"), (80.0, "一般")):
        if probability >= bound:
            return word
    return "较弱"


# linkage/model.py's levels for a value missing on one side (its `null` levels but 不适用), and the level of a
# comparison that does not apply to the pair (tests/engine/persons/test_read.py keeps these in step).
MISSING_LEVELS = frozenset({"缺失", "无同行证件可比", "无门牌可比", "无案号可比"})
NOT_APPLICABLE_LEVEL = "不适用"


def verdict(level: str, weight: float) -> str:
    """The result column of 为何认定为同一人: 无法比较 only when a value is missing, 不适用 when the
    comparison does not apply to the pair; a compared level reads by its weight: 相符 (for), 不符 (against),
    or 不影响
    (compared, but counts neither way, e.g. 出生年相同 or 年龄相符)."""
    if level in MISSING_LEVELS:
        return "无法比较"
    if level == NOT_APPLICABLE_LEVEL:
        return "不适用"
    if abs(weight) < 0.05:
        return "不影响"
    return "相符" if weight > 0 else "不符"


# A page's read attaches the warehouse file to an in-memory DuckDB kept per process rather than opening a
# DuckDB of its own: making a DuckDB (its catalog of built-in functions) and closing it costs ≈ 20 ms of CPU.
# The file stays attached between pages (READ_ONLY): attaching it, its first use after (the row groups' and the
# index's metadata) and detaching cost a person's file ≈ 10 ms of CPU, the look-up itself ≈ 1.5 ms. Kept only
# while it is sure to be current and to hold up no writer:
# - a kept attachment is used only while the file's size, time and inode (and its WAL's) are those it was
#   attached at — while it is attached no other process can write it (DuckDB's shared lock), so this catches
#   a file replaced (a restore) and a write in this process;
# - a writer announces itself (warehouse/store.py `announced`: the linkage, an import, screening, batches):
#   a read then lets go of the file after it, and reads attach only while they read until the writer is done;
#   opening the file otherwise in this process (a writer, the CLI) first lets go of it (`_release_for`);
# - a process that serves no page for KEEP_IDLE_SECONDS lets go of it (a thread of its own), so a writer
#   that does not announce itself (DuckDB's own tools) waits at most that long while the pages are idle.
# A process reads it one page at a time (the lock); reads neither nest nor fork. A person's file reads a few
# rows by key: DuckDB's worker threads only add CPU to such a query (≈ a quarter more, measured at county
# size), so it has a DuckDB of one thread; searches, which may scan a column, keep DuckDB's threads.
_page_db: dict[tuple[int, bool], duckdb.DuckDBPyConnection] = {}  # (pid, one thread) → its DuckDB
_page_db_lock = threading.Lock()
_ATTACHED = "warehouse"
KEEP_IDLE_SECONDS = 0.5
_POLL_SECONDS = 0.1
_kept: dict[tuple[int, bool], tuple[str, tuple | None]] = {}  # DuckDB → (file, file_version) kept attached
_last_read: dict[tuple[int, bool], float] = {}
_keeper: list[int] = [0]  # the process whose thread lets go of idle attachments


def _page_duckdb(one_thread: bool) -> duckdb.DuckDBPyConnection:
    key = (os.getpid(), one_thread)
    if key not in _page_db:
        _page_db[key] = duckdb.connect(":memory:", config={"threads": 1} if one_thread else {})
    return _page_db[key]


def _detach(key: tuple[int, bool]) -> None:
    """Let go of the file (the lock held). A DuckDB that cannot is dropped: the next read makes another."""
    _kept.pop(key, None)
    db = _page_db.get(key)
    if db is None:
        return
    try:
        db.execute(f"DETACH {_ATTACHED}")
    except duckdb.Error:
        _page_db.pop(key, None)
        db.close()


def _release_for(path: Path) -> None:
    """Before this process opens the warehouse at `path` otherwise: no attachment of it is kept."""
    with _page_db_lock:
        for key, (kept, _) in list(_kept.items()):
            if kept == str(path):
                _detach(key)


before_open(_release_for)


def _let_go_when_idle() -> None:
    """The thread that lets go of a kept file after KEEP_IDLE_SECONDS without a read, or when a writer waits."""
    pid = os.getpid()
    while True:
        time.sleep(_POLL_SECONDS)
        with _page_db_lock:
            if _keeper[0] != pid:
                return
            for key, (path, _) in list(_kept.items()):
                if time.monotonic() - _last_read.get(key, 0) >= KEEP_IDLE_SECONDS or writer_waiting(Path(path)):
                    _detach(key)
            if not _kept:
                _keeper[0] = 0
                return


def _keep(key: tuple[int, bool], path: str, version: tuple | None) -> None:
    _kept[key] = (path, version)
    _last_read[key] = time.monotonic()
    if _keeper[0] != os.getpid():
        _keeper[0] = os.getpid()
        threading.Thread(target=_let_go_when_idle, name="warehouse-idle", daemon=True).start()


def _close_before_fork() -> None:
    """A DuckDB does not survive a fork: a child that ends normally would close the copy, whose threads are
    the parent's, and crash. Closed before any fork (after the read under way, if one is), made again after."""
    _page_db_lock.acquire()
    for db in _page_db.values():
        db.close()
    _page_db.clear()
    _kept.clear()


os.register_at_fork(before=_close_before_fork, after_in_parent=_page_db_lock.release,
                    after_in_child=_page_db_lock.release)


@atexit.register
def _close_at_exit() -> None:
    """The idle thread is a daemon: stopped inside DuckDB at the interpreter's end, it would abort the process
    (a C++ unwind through DuckDB). Its next turn finds it is no longer the keeper and ends without DuckDB."""
    with _page_db_lock:
        _keeper[0] = 0
        for db in _page_db.values():
            db.close()
        _page_db.clear()
        _kept.clear()


@contextmanager
def reader(path: Path | None = None, wait_seconds: float = 2.0, *,
           one_thread: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for a page: waits briefly while an import writes, then says so. `one_thread`:
    for look-ups by key (see above)."""
    target = path or warehouse_path()
    if not target.exists():
        raise WarehouseUnavailable("数据仓库尚未建立，请先导入名单并运行筛查")
    deadline = time.monotonic() + wait_seconds
    key = (os.getpid(), one_thread)
    with _page_db_lock:
        waiting = writer_waiting(target)
        if key in _kept and (waiting or _kept[key] != (str(target), file_version(target))):
            _detach(key)
        db = _page_duckdb(one_thread)
        if key not in _kept:
            quoted = str(target).replace("'", "''")
            while True:
                try:
                    db.execute(f"ATTACH '{quoted}' AS {_ATTACHED} (READ_ONLY)")
                    break
                except duckdb.Error as err:
                    if time.monotonic() > deadline:
                        raise WarehouseUnavailable("数据仓库暂时无法读取（可能正在导入），请稍后刷新") from err
                    time.sleep(0.1)
            # the file as attached: no other process writes it while the shared lock is held
            _kept[key] = (str(target), file_version(target))
        con = db.cursor()
        try:
            con.execute(f"USE {_ATTACHED}")
            yield con
        finally:
            con.close()
            if waiting or key not in _page_db:
                _detach(key)
            else:
                _keep(key, *_kept[key])


def _initials(pinyin: str) -> str:
    return "".join(s[0] for s in pinyin.split() if s)


# Search tables, each sorted by what it is searched by: DuckDB skips the row groups whose min/max cannot
# hold the value (zone maps), so an exact or prefix search reads one group of ~120,000 rows, not 1,000,000.
SEARCH_TABLES = {"person_search": "name", "person_search_py": "pinyin", "person_search_id": "id_number"}
# Zone maps keep the first 8 bytes of a string, and a county's IDs share their first 6 digits: the ID table
# is sorted by the ID from its birth date on (the region code moved to the end).
_ID_KEY = "substr({col}, 7) || substr({col}, 1, 6)"
_HIT = "person_key, name, id_number, sex, birth_date, records"
# A person's file reads their rows of person_records by key. Sorted by it, a look-up still scans the row group
# of ≈ 120,000 rows that holds them (≈ 10 ms of CPU); the index finds the rows (≈ 1.5 ms). Written with the
# table, in its transaction (docs/performance.md: its cost at province size).
PERSON_RECORDS_INDEX = "CREATE INDEX IF NOT EXISTS person_records_key ON person_records (person_key)"


def index_person_records(con: duckdb.DuckDBPyConnection) -> None:
    """The index of `person_file`'s look-up on a warehouse linked before it was written with the table (an
    incremental linkage that keeps the stored one does not rewrite the table)."""
    if "person_records" in _tables(con):
        con.execute(PERSON_RECORDS_INDEX)


def _pinyin_of_persons(con: duckdb.DuckDBPyConnection, pinyin_of: str | None,
                       within: str = "") -> tuple[list[str], list[str]]:
    """The distinct names of ``persons`` and the pinyin of each (read from table ``pinyin_of`` when given).
    ``within``: a table of person keys (``person_key``) to read the names of, else every person's."""
    only = f"JOIN {within} w USING (person_key)" if within else ""
    if pinyin_of and pinyin_of in _tables(con):
        found = con.execute(f"SELECT DISTINCT p.name, k.pinyin, k.name IS NOT NULL FROM persons p {only} "
                            f"LEFT JOIN {pinyin_of} k USING (name) WHERE p.name IS NOT NULL").fetchall()
    else:
        found = [(r[0], None, False) for r in
                 con.execute(f"SELECT DISTINCT p.name FROM persons p {only} WHERE p.name IS NOT NULL").fetchall()]
    names, pinyins = [], []
    for name, pinyin, known in found:
        keys = None if known else name_keys(name)
        names.append(name)
        pinyins.append((pinyin or "") if known else (keys.pinyin if keys is not None else ""))
    return names, pinyins


def _register_pinyin(con: duckdb.DuckDBPyConnection, names: list[str], pinyins: list[str]) -> None:
    con.register("_pinyin", pa.table({
        "name": pa.array(names, pa.string()),
        "pinyin": pa.array([p.replace(" ", "") for p in pinyins], pa.string()),
        "initials": pa.array([_initials(p) for p in pinyins], pa.string())}))


def _search_select(table: str, within: str = "", source: str = "") -> str:
    """SELECT of one search table's rows (of the persons in table ``within`` when given), in its order.
    ``source``: a table of every column already (``person_search``), read instead of joining persons with the
    pinyin again."""
    column = SEARCH_TABLES[table]
    only = f"JOIN {within} w USING (person_key)" if within else ""
    where = f"WHERE {column} IS NOT NULL" if column != "name" else ""
    rows = source or (f"(SELECT *, {_ID_KEY.format(col='id_number')} AS id_key FROM (SELECT "
                      f"p.{_HIT.replace(', ', ', p.')}, s.pinyin, s.initials FROM persons p {only} "
                      f"LEFT JOIN _pinyin s USING (name)))")
    return f"SELECT * FROM {rows} {where} ORDER BY {'id_key' if column == 'id_number' else column}, person_key"


def _records_select(con: duckdb.DuckDBPyConnection, within: str = "",
                    keys: tuple[str | None, str | None] = (None, None)) -> str:
    """SELECT of ``person_records`` (of the persons in table ``within`` when given; of the person keys from
    ``keys[0]`` up to, not including, ``keys[1]``, either end open when None), in no order."""
    values = ", ".join(f"r.{c} AS r_{c}" for c in PERSON_VALUES)
    lineage = " UNION ALL ".join(
        f'SELECT record_id, file_name, sheet, "row", batch_id, {", ".join(PERSON_VALUES)} FROM {t}'
        for t in sorted(_tables(con))
        if t.startswith("rec_")
    )
    only = f"JOIN {within} w USING (person_key)" if within else ""
    bounds = [f"person_key {op} '{key.replace(chr(39), chr(39) * 2)}'"
              for op, key in ((">=", keys[0]), ("<", keys[1])) if key is not None]
    part = f"WHERE {' AND '.join(bounds)}" if bounds else ""
    return (f"SELECT i.person_key, i.record_id, i.source_type, "
            f"i.method, p.name, p.id_number, p.sex, p.birth_date, p.records, r.file_name, r.sheet, "
            f'r."row", r.batch_id, {values} FROM (FROM person_index {part}) i {only} '
            f"LEFT JOIN persons p USING (person_key) LEFT JOIN ({lineage}) r USING (record_id)")


# person_records is written per range of person keys of about this many records, each range joined, sorted and
# appended in key order: a province's in one piece (49 M records joined with 41 M persons and 49 M rows of
# values, then sorted) ran out of memory at any cap, and as one temporary copy sorted apart it spilled 43 GB.
RECORDS_PER_PART = 8_000_000


def _key_cuts(con: duckdb.DuckDBPyConnection, parts: int) -> list[str]:
    """Up to ``parts - 1`` person keys cutting person_index into ranges of about equal size (from a sample:
    a range of any size is still right, only slower)."""
    if parts <= 1:
        return []
    sample = [k for (k,) in con.sql("SELECT person_key FROM person_index "
                                    "USING SAMPLE reservoir(20000 ROWS) REPEATABLE (7) ORDER BY 1").fetchall()]
    return sorted({sample[len(sample) * i // parts] for i in range(1, parts)}) if sample else []


def _write_records(con: duckdb.DuckDBPyConnection) -> None:
    """Table ``RECORDS_STAGED`` (``build_search`` renames it ``person_records``), range of person keys by range,
    each sorted: the whole is in key order. A range is joined into a temporary table and sorted in a statement
    of its own: DuckDB (2.0) does not spill a sort fed by these joins while their hash tables are held (a
    county's person_records ran out of memory at a 200 MB cap in one statement), but spills each alone. Each
    statement is its own transaction (``con`` not in one): a temporary table replaced inside a transaction is
    kept until it ends, so every range's copy stayed in warehouse.duckdb.tmp (as much temporary disk as the
    whole table)."""
    parts = max(1, -(-con.sql("SELECT count(*) FROM person_index").fetchall()[0][0] // RECORDS_PER_PART))
    bounds = [None, *_key_cuts(con, parts), None]
    for n, keys in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        con.execute(f"CREATE OR REPLACE TEMP TABLE _range AS {_records_select(con, keys=keys)}")
        into = f"CREATE OR REPLACE TABLE {RECORDS_STAGED} AS" if n == 0 else f"INSERT INTO {RECORDS_STAGED}"
        con.execute(f"{into} SELECT * FROM _range ORDER BY person_key")
    con.execute("DROP TABLE _range")


def build_search(con: duckdb.DuckDBPyConnection, pinyin_of: str | None = None,
                 step: Callable[[str], None] | None = None) -> int:
    """(Re)write the search tables from ``persons`` (name, ID, pinyin without spaces, initials; pinyin once
    per distinct name, from the linkage's cached name keys) and ``person_records`` (the person index with each
    person's values, sorted by person). Returns the persons written. ``pinyin_of``: a table (name, pinyin)
    the linkage just wrote with its name keys (a name it lacks gets its keys here). ``step``: called with the
    name of each table once written (the stage log's ``step=`` lines)."""
    step = step or (lambda name: None)
    if not {"persons", "person_index"} <= _tables(con):
        return 0
    con.execute("SET enable_progress_bar = false")  # a CLI run prints its own progress
    try:  # person_records first, apart (see _write_records); renamed with the search tables, in one transaction
        _write_records(con)
    except Exception:
        con.execute(f"DROP TABLE IF EXISTS {RECORDS_STAGED}")
        raise
    step(RECORDS_STAGED)
    _register_pinyin(con, *_pinyin_of_persons(con, pinyin_of))
    con.execute("BEGIN TRANSACTION")
    try:
        # the pinyin join and the ID key once, into person_search; the others are its rows sorted otherwise
        # (≈ 10 % less CPU than joining persons with the pinyin three times)
        for table in SEARCH_TABLES:
            source = "" if table == "person_search" else "person_search"
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {_search_select(table, source=source)}")
            step(table)
        con.execute("DROP TABLE IF EXISTS person_records")
        con.execute(f"ALTER TABLE {RECORDS_STAGED} RENAME TO person_records")
        con.execute(PERSON_RECORDS_INDEX)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        con.execute(f"DROP TABLE IF EXISTS {RECORDS_STAGED}")
        raise
    finally:
        con.unregister("_pinyin")
    # fetchall, not fetchone: a fetchone leaves the result open and a later con.sql() on con is refused
    return con.execute("SELECT count(*) FROM person_search").fetchall()[0][0]


# What person_records copies of person_index and persons: a person whose rows of either differ from the copy
# is rewritten. The copy's record values (``r_*``, file, row) are those of the record id, which no new
# snapshot changes (a new snapshot's records have new ids; a purge, which edits records, drops the
# delta linkage's tables, so the next linkage and search are full).
_INDEX_COPY = ("person_key", "source_type", "method")
_PERSON_COPY = ("name", "id_number", "sex", "birth_date", "records")


def _differ(a: str, b: str, columns: tuple[str, ...]) -> str:
    return " OR ".join(f"{a}.{c} IS DISTINCT FROM {b}.{c}" for c in columns)


# The persons whose rows differ anywhere: a person new, gone or changed (persons against person_search; the
# copy in person_records is written with it, in the same transaction, and deleted with it by a purge), a
# record new, gone or moved to another person (person_index against person_records: both keys). Joins on
# the keys: hash joins, not a sort of every row.
_CHANGED = f"""
SELECT coalesce(p.person_key, s.person_key) AS person_key FROM persons p FULL JOIN person_search s USING (person_key)
WHERE p.person_key IS NULL OR s.person_key IS NULL OR {_differ("p", "s", _PERSON_COPY)}
UNION
SELECT k FROM (SELECT unnest([i.person_key, r.person_key]) AS k
               FROM person_index i FULL JOIN person_records r ON r.record_id = i.record_id
               WHERE i.record_id IS NULL OR r.record_id IS NULL OR {_differ("i", "r", _INDEX_COPY)})
WHERE k IS NOT NULL"""


def update_search(con: duckdb.DuckDBPyConnection, pinyin_of: str | None = None) -> int | None:
    """Bring the search tables and ``person_records`` up to ``persons`` and ``person_index`` by rewriting
    only the persons whose rows differ (a delta linkage changes few): the same rows as ``build_search``
    writes, not in its physical order for the rewritten persons. None (nothing written) when the tables
    are not there to update: then ``build_search``. Returns the persons rewritten."""
    if not {"persons", "person_index", "person_records", *SEARCH_TABLES} <= _tables(con):
        return None
    con.execute("SET enable_progress_bar = false")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _changed AS {_CHANGED}")
        _register_pinyin(con, *_pinyin_of_persons(con, pinyin_of, within="_changed"))
        for table in (*SEARCH_TABLES, "person_records"):
            con.execute(f"DELETE FROM {table} WHERE person_key IN (SELECT person_key FROM _changed)")
        for table in SEARCH_TABLES:
            con.execute(f"INSERT INTO {table} {_search_select(table, within='_changed')}")
        con.execute(f"INSERT INTO person_records {_records_select(con, within='_changed')} ORDER BY i.person_key")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_pinyin")  # none registered yet is no error
    return con.execute("SELECT count(*) FROM _changed").fetchall()[0][0]


def search(query: str, *, limit: int = 50, path: Path | None = None) -> list[PersonHit]:
    """Persons matching the search box (parse_query), exact matches first, at most `limit`."""
    q = parse_query(query)
    if q.kind == "empty":
        return []
    with reader(path) as con:
        try:  # the tables linkage writes; one catalog look-up less per search than asking which exist
            return _search(con, q, limit, sorted_tables=True)
        except duckdb.CatalogException:
            pass
        try:  # a warehouse linked before the search tables existed: name and ID only, by scanning
            return _search(con, q, limit, sorted_tables=False)
        except duckdb.CatalogException:
            raise WarehouseUnavailable("尚未运行人员关联，请先运行筛查") from None


def _upper(prefix: str) -> str:
    """The least string above every string starting with `prefix` (a range the zone maps can use)."""
    return prefix + "\U0010ffff"


def _search(con: duckdb.DuckDBPyConnection, q: Query, limit: int, *, sorted_tables: bool) -> list[PersonHit]:
    by_name = "person_search" if sorted_tables else "persons"
    if q.kind == "id":
        if sorted_tables:
            rows = con.execute(
                f"SELECT {_HIT} FROM person_search_id WHERE id_key = {_ID_KEY.format(col='?')} LIMIT ?",
                [q.text, q.text, limit],
            ).fetchall()
        else:
            rows = con.execute(
                f"SELECT {_HIT} FROM persons WHERE id_number = ? LIMIT ?", [q.text, limit]
            ).fetchall()
    elif q.kind == "name_digits":
        rows = con.execute(
            f"SELECT {_HIT} FROM {by_name} WHERE name >= ? AND name < ? AND id_number LIKE '%' || ? "
            f"ORDER BY name <> ?, name, person_key LIMIT ?",
            [q.text, _upper(q.text), q.digits, q.text, limit],
        ).fetchall()
    elif q.kind == "pinyin":
        if not sorted_tables:
            return []
        rows = con.execute(
            f"SELECT {_HIT} FROM person_search_py WHERE pinyin >= ? AND pinyin < ? "
            f"ORDER BY pinyin <> ?, pinyin, name, person_key LIMIT ?",
            [q.text, _upper(q.text), q.text, limit],
        ).fetchall()
        if len(rows) < limit:  # initials (zxm): a scan of one short column
            seen = {r[0] for r in rows}
            rows += [
                r
                for r in con.execute(
                    f"SELECT {_HIT} FROM person_search_py WHERE initials = ? "
                    f"ORDER BY name, person_key LIMIT ?",
                    [q.text, limit],
                ).fetchall()
                if r[0] not in seen
            ][: limit - len(rows)]
    else:
        # names starting with the text first (a range on the sorted table), then names containing it
        rows = con.execute(
            f"SELECT {_HIT} FROM {by_name} WHERE name >= ? AND name < ? "
            f"ORDER BY name <> ?, name, person_key LIMIT ?",
            [q.text, _upper(q.text), q.text, limit],
        ).fetchall()
        if len(rows) < limit:
            seen = {r[0] for r in rows}
            rows += [
                r
                for r in con.execute(
                    f"SELECT {_HIT} FROM {by_name} WHERE contains(name, ?) "
                    f"AND NOT starts_with(name, ?) ORDER BY name, person_key LIMIT ?",
                    [q.text, q.text, limit],
                ).fetchall()
                if r[0] not in seen
            ][: limit - len(rows)]
    return [PersonHit(*row) for row in rows]


def _row_numbers(record_ids: list[str]) -> list[int]:
    """The row numbers of intake's record ids (``batch:sheet:row``), or [] when one is not of that form."""
    try:
        return sorted({int(rid.rsplit(":", 1)[1]) for rid in record_ids})
    except (IndexError, ValueError):
        return []


def _records(
    con: duckdb.DuckDBPyConnection, methods: dict[str, tuple[str, str]], tables: set[str]
) -> list[SourceRecord]:
    """The lineage and person values of these records (record_id → (source_type, method))."""
    by_type: dict[str, list[str]] = {}
    for record_id, (source_type, _) in methods.items():
        by_type.setdefault(source_type, []).append(record_id)
    out = []
    cols = ", ".join(f"r.{c}" for c in PERSON_VALUES)
    for source_type, ids in sorted(by_type.items()):
        if f"rec_{source_type}" not in tables:
            continue
        marks = ",".join("?" * len(ids))
        # rec_<type> has no index on record_id (schema version 2); a record id ends in its row number, which
        # rises through a batch's row groups, so the rows asked for let DuckDB skip every other row group.
        numbers = _row_numbers(ids)
        by_row = f' AND r."row" IN ({",".join("?" * len(numbers))})' if numbers else ""
        rows = con.execute(
            f'SELECT r.record_id, r.file_name, r.sheet, r."row", b.as_of, '
            f"r.batch_id IN (SELECT batch_id FROM current_batches), {cols} "
            f"FROM rec_{source_type} r LEFT JOIN batches b USING (batch_id) WHERE r.record_id IN ({marks}){by_row}",
            ids + numbers,
        ).fetchall()
        for rid, file, sheet, row, as_of, current, *values in rows:
            out.append(
                SourceRecord(
                    rid,
                    source_type,
                    file or "",
                    sheet or "",
                    row or 0,
                    as_of,
                    bool(current),
                    METHOD_LABELS.get(methods[rid][1], methods[rid][1]),
                    dict(zip(PERSON_VALUES, values, strict=True)),
                )
            )
    return out


def _sorted(records: list[SourceRecord]) -> list[SourceRecord]:
    return sorted(records, key=lambda r: (not r.current, r.source_type, r.file, r.row))


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return value.isoformat() if isinstance(value, date) else str(value)


def links_among(
    con: duckdb.DuckDBPyConnection, records: list[SourceRecord], tables: set[str] | None, limit: int = 50
) -> list[LinkPair]:
    """The probabilistic links that joined these records, strongest first, each pair's values side by side.
    `tables`: the file's tables, or None when not asked (then a file without links answers so)."""
    if (tables is not None and "link_explanations" not in tables) or len(records) < 2:
        return []
    by_id = {r.record_id: r for r in records}
    ids = list(by_id)
    marks = ",".join("?" * len(ids))
    pairs = []
    try:
        found = con.execute(
            f"SELECT record_id_l, record_id_r, match_weight, match_probability, comparisons "
            f"FROM link_explanations WHERE record_id_l IN ({marks}) AND record_id_r IN ({marks}) "
            f"ORDER BY match_weight DESC LIMIT ?",
            [*ids, *ids, limit],
        ).fetchall()
    except duckdb.CatalogException:  # linked before link explanations were kept
        return []
    for left, right, weight, prob, comparisons in found:
        try:
            parts = json.loads(comparisons or "{}")
        except ValueError:
            parts = {}
        a, b = by_id[left], by_id[right]
        rows = []
        for name, v in parts.items():
            if not isinstance(v, dict):
                continue
            w = round(float(v.get("weight", 0) or 0), 1)
            col = COMPARISON_FIELD.get(name)
            rows.append(
                Comparison(
                    COMPARISON_NAMES.get(name, name),
                    str(v.get("level", "")),
                    w,
                    verdict(str(v.get("level", "")), w),
                    _shown(a.values.get(col)) if col else "",
                    _shown(b.values.get(col)) if col else "",
                )
            )
        probability = round(float(prob or 0) * 100, 1)
        pairs.append(
            LinkPair(a, b, round(float(weight or 0), 1), probability, strength_word(probability), rows)
        )
    return pairs


def person_file(
    person_key: str, *, extra_record_ids: list[str] | None = None, path: Path | None = None
) -> PersonFile:
    """One person: best values, every source record (file, row, snapshot date) and the links that joined them.
    `extra_record_ids`: a clue's own records, shown even if a later linkage moved them."""
    with reader(path, one_thread=True) as con:
        # The tables linkage writes are read without first asking which exist (a look-up of the catalog,
        # ≈ 1 ms of a page's CPU): an older warehouse's missing table answers with a CatalogException.
        tables: set[str] | None = None
        try:  # sorted by person and indexed on it, records' values with it: a look-up of the person's rows
            found = _person_rows(con, person_key)
        except duckdb.CatalogException:
            found, tables = None, _tables(con)
            if not {"person_index", "persons"} <= tables:
                raise WarehouseUnavailable("尚未运行人员关联，无法显示人员档案和关联依据") from None
        if found is not None:
            row = found[0][:6] if found else None
            known = [
                SourceRecord(
                    rid,
                    st,
                    file or "",
                    sheet or "",
                    n or 0,
                    as_of,
                    bool(current),
                    METHOD_LABELS.get(m, m),
                    dict(zip(PERSON_VALUES, values, strict=True)),
                )
                for _, _, _, _, _, _, rid, st, m, file, sheet, n, as_of, current, *values in found
            ]
            methods = {r.record_id: (r.source_type, "") for r in known}
        else:
            known = []
            row = con.execute(f"SELECT {_HIT} FROM persons WHERE person_key = ?", [person_key]).fetchone()
            methods = {
                rid: (st, m)
                for rid, st, m in con.execute(
                    "SELECT record_id, source_type, method FROM person_index WHERE person_key = ?",
                    [person_key],
                ).fetchall()
            }
        extra = [r for r in (extra_record_ids or []) if r and r not in methods]
        if extra:
            marks = ",".join("?" * len(extra))
            for rid, st, m in con.execute(
                f"SELECT record_id, source_type, method FROM person_index WHERE record_id IN ({marks})", extra
            ).fetchall():
                methods[rid] = (st, m)
        wanted = {k: v for k, v in methods.items() if v[1]}
        if wanted and tables is None:
            tables = _tables(con)
        records = _sorted(known + (_records(con, wanted, tables) if wanted else []))
        return PersonFile(PersonHit(*row) if row else None, records, links_among(con, records, tables))


# The batches' snapshot dates and which are current, per version of the file: the same for every person of a
# file, and the `current_batches` view (an ordered aggregate over the batches) cost each person's file ≈ 3 ms of
# CPU when joined in its query. Kept for the version the page's attachment holds (unchanged while it reads).
_batch_facts: dict[tuple, tuple[dict[str, date | None], frozenset[str]]] = {}


def _batches(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, date | None], frozenset[str]]:
    """(batch_id → snapshot date, the current batches) of the file `con` reads (in `reader`, the lock held)."""
    version = _kept.get((os.getpid(), True))
    if version is not None and version[1] is not None and version in _batch_facts:
        return _batch_facts[version]
    facts = (dict(con.execute("SELECT batch_id, as_of FROM batches").fetchall()),
             frozenset(r[0] for r in con.execute("SELECT batch_id FROM current_batches").fetchall()))
    if version is not None and version[1] is not None:
        _batch_facts.clear()  # one file, one version at a time
        _batch_facts[version] = facts
    return facts


def _person_rows(con: duckdb.DuckDBPyConnection, person_key: str) -> list[tuple]:
    """The person's rows of ``person_records`` with each record's snapshot date and whether it is current."""
    hit = ", ".join(f"pr.{c}" for c in _HIT.split(", "))
    cols = ", ".join(f"pr.r_{c}" for c in PERSON_VALUES)
    rows = con.execute(
        f"SELECT {hit}, pr.record_id, pr.source_type, pr.method, pr.file_name, pr.sheet, "
        f'pr."row", pr.batch_id, {cols} FROM person_records pr WHERE pr.person_key = ?',
        [person_key],
    ).fetchall()
    if not rows:
        return rows
    as_of, current = _batches(con)
    return [(*r[:12], as_of.get(r[12]), r[12] in current, *r[13:]) for r in rows]
