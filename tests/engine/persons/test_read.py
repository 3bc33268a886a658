"""Person search and the person file read from a small hand-made warehouse."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import duckdb
import pytest

from jiuzhu.engine import persons
from jiuzhu.engine.warehouse import announced, connect, open_file, writer_waiting
from tests.fixtures.warehouse import ID_A, build_person_warehouse


def kept_attached() -> list[str]:
    """The warehouse files this process keeps attached between reads (persons.py's own bookkeeping)."""
    with persons._page_db_lock:
        return sorted({path for (pid, _), (path, _) in persons._kept.items() if pid == os.getpid()})


@pytest.fixture
def warehouse(tmp_path):
    path = build_person_warehouse(tmp_path / "warehouse.duckdb")
    yield path
    persons._release_for(path)  # kept attached between reads: not into the next test


@pytest.mark.parametrize(("text", "kind"), [
    (ID_A, "id"), ("35042519800101123x", "id"), ("郑小梅 1237", "name_digits"), ("郑小梅1237", "name_digits"),
    ("zhengxiaomei", "pinyin"), ("zxm", "pinyin"), ("Zheng Xiao", "pinyin"), ("小梅", "name"), ("  ", "empty"),
])
def test_parse_query(text, kind):
    assert persons.parse_query(text).kind == kind


@pytest.mark.parametrize(("text", "keys"), [
    (ID_A, ["pA"]), ("郑小梅 1237", ["pA"]), ("郑小梅 9999", []), ("zhengxiaomei", ["pA"]), ("zxm", ["pB", "pA"]),
    ("zhengxiao", ["pA", "pB"]), ("zengguofan", ["pC"]), ("小梅", ["pA"]), ("郑小", ["pB", "pA"]),
    ("郑小明", ["pB"]),
])
def test_search(warehouse, text, keys):
    assert [h.person_key for h in persons.search(text, path=warehouse)] == keys


def test_person_file_lists_records_with_snapshot_and_explains_the_link(warehouse):
    f = persons.person_file("pA", path=warehouse)
    assert (f.person.name, f.person.records) == ("郑小梅", 2)
    assert [(r.source_type, r.file, r.row, r.as_of, r.current, r.method) for r in f.records] == [
        ("dibao", "低保.xlsx", 4, date(2025, 9, 30), True, "身份证号一致"),
        ("victim", "被害人.xlsx", 9, date(2025, 8, 31), True, "概率匹配（姓名、出生日期等）")]
    (link,) = f.links
    assert (link.weight, link.probability, link.strength) == (18.1, 100.0, "极强")
    assert [(c.field, c.level, c.verdict, c.left, c.right) for c in link.comparisons] == [
        ("姓名", "姓名相同", "相符", "郑小梅", "郑小梅"),
        ("出生日期", "出生日期相同", "相符", "1980-01-01", "1980-01-01"),
        ("乡镇", "乡镇不同", "不符", "均溪镇", "石牌镇"),
        ("联系电话", "缺失", "无法比较", "—", "—"),
        ("年龄与名册", "年龄相符", "不影响", "", ""),
        ("近名人数", "不适用", "不适用", "", "")]


@pytest.mark.parametrize(("level", "weight", "word"), [
    ("姓名相同", 8.1, "相符"), ("乡镇不同", -4.2, "不符"), ("出生年相同", 0.0, "不影响"), ("门牌不同", 0.0, "不影响"),
    ("缺失", 0.0, "无法比较"), ("无门牌可比", 0.0, "无法比较"), ("不适用", 0.0, "不适用")])
def test_verdict_words(level, weight, word):
    """A compared level of weight zero is 不影响; only a missing value is 无法比较."""
    assert persons.verdict(level, weight) == word


def test_missing_levels_are_linkage_null_levels():
    from jiuzhu.engine.linkage.model import COMPARISONS

    null = {level.label for levels in COMPARISONS.values() for level in levels if level.null}
    assert null == persons.MISSING_LEVELS | {persons.NOT_APPLICABLE_LEVEL}


def test_no_warehouse_is_said_in_chinese(tmp_path):
    with pytest.raises(persons.WarehouseUnavailable, match="数据仓库尚未建立"):
        persons.search("郑", path=tmp_path / "none.duckdb")


@pytest.mark.parametrize(("p", "word"), [(99.95, "极强"), (99.5, "很强"), (96, "较强"), (85, "一般"), (50, "较弱")])
def test_strength_words(p, word):
    assert persons.strength_word(p) == word


def test_every_linkage_comparison_has_a_chinese_name():
    """The 为何认定为同一人 table names each comparison in Chinese, the ones linkage added later included."""
    from jiuzhu.engine.linkage.model import COMPARISONS

    assert sorted(set(COMPARISONS) - set(persons.COMPARISON_NAMES)) == []
    assert (persons.COMPARISON_NAMES["near_unique"], persons.COMPARISON_NAMES["address"]) == (
        "近名人数",
        "门牌（住址）",
    )


WRITE_ROW = ("import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
             "c.execute(\"UPDATE persons SET name = '郑小梅' WHERE person_key = 'pA'\"); c.close()")
# A writer of the platform: it announces itself (warehouse/store.py) and waits for the file.
RENAME = """
import sys
from pathlib import Path
from jiuzhu.engine.warehouse import connect
with connect(Path(sys.argv[1]), wait_seconds=30) as c:
    c.execute("UPDATE persons SET name = ? WHERE person_key = 'pA'", [sys.argv[2]])
    c.execute("UPDATE person_records SET name = ? WHERE person_key = 'pA'", [sys.argv[2]])
"""


def _name(path) -> str:
    return persons.person_file("pA", path=path).person.name


def test_a_read_holds_the_warehouse_against_other_writers(warehouse):
    with persons.reader(warehouse) as con:
        assert con.execute("SELECT name FROM persons WHERE person_key = 'pA'").fetchone() == ("郑小梅",)
        held = subprocess.run([sys.executable, "-c", WRITE_ROW, str(warehouse)], capture_output=True, text=True)
        assert held.returncode == 1 and "lock" in held.stderr


def test_the_file_is_kept_attached_between_reads_and_let_go_when_idle(warehouse):
    """Kept between pages; a process that serves no page lets go of it, so even a writer that does not announce
    itself (DuckDB's own tools) gets it."""
    assert _name(warehouse) == "郑小梅"
    assert kept_attached() == [str(warehouse)]
    deadline = time.monotonic() + 10
    while kept_attached() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kept_attached() == []
    assert subprocess.run([sys.executable, "-c", WRITE_ROW, str(warehouse)], capture_output=True).returncode == 0


def test_a_busy_process_lets_go_of_the_file_for_a_writer_and_reads_what_it_wrote(warehouse, monkeypatch):
    """Pages read without a pause (never idle): the writer announces itself, the reads let go of the file, and
    the first read after the write shows it (a kept attachment never serves the file as it was)."""
    monkeypatch.setattr(persons, "KEEP_IDLE_SECONDS", 3600)
    assert _name(warehouse) == "郑小梅"
    writer = subprocess.Popen([sys.executable, "-c", RENAME, str(warehouse), "郑新梅"], stderr=subprocess.PIPE,
                              text=True)
    names = set()
    while writer.poll() is None:
        with contextlib.suppress(persons.WarehouseUnavailable):  # the writer holds it longer than a page waits
            names.add(_name(warehouse))
    assert (writer.returncode, writer.stderr.read()) == (0, "")
    assert names <= {"郑小梅", "郑新梅"}
    assert _name(warehouse) == "郑新梅"
    assert kept_attached() == [str(warehouse)]


NEW_SNAPSHOT = """
import sys
from pathlib import Path
from jiuzhu.engine.warehouse import connect
with connect(Path(sys.argv[1]), wait_seconds=30) as c:
    c.execute("UPDATE batches SET as_of = DATE '2026-06-30' WHERE batch_id = 'b1'")
"""


def test_a_new_snapshot_date_is_read_after(warehouse, monkeypatch):
    """The batches' dates and which are current are kept per version of the file, not past a write."""
    monkeypatch.setattr(persons, "KEEP_IDLE_SECONDS", 3600)
    dates = {r.file: r.as_of for r in persons.person_file("pA", path=warehouse).records}
    assert dates["低保.xlsx"] != date(2026, 6, 30)
    done = subprocess.run([sys.executable, "-c", NEW_SNAPSHOT, str(warehouse)], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    dates = {r.file: r.as_of for r in persons.person_file("pA", path=warehouse).records}
    assert dates["低保.xlsx"] == date(2026, 6, 30)


def test_a_write_in_this_process_is_read_after(warehouse, monkeypatch):
    monkeypatch.setattr(persons, "KEEP_IDLE_SECONDS", 3600)
    assert _name(warehouse) == "郑小梅"
    assert kept_attached() == [str(warehouse)]
    with connect(warehouse) as con:  # lets go of the kept attachment first (DuckDB's lock does not stop it)
        assert kept_attached() == []
        con.execute("UPDATE persons SET name = '郑新梅' WHERE person_key = 'pA'")
        con.execute("UPDATE person_records SET name = '郑新梅' WHERE person_key = 'pA'")
    assert _name(warehouse) == "郑新梅"


def test_a_replaced_file_is_read_anew(warehouse, tmp_path, monkeypatch):
    """A restore puts another file in place: the kept attachment (of the old file) is not read again."""
    monkeypatch.setattr(persons, "KEEP_IDLE_SECONDS", 3600)
    other = tmp_path / "copy.duckdb"
    shutil.copy(warehouse, other)
    with duckdb.connect(str(other)) as con:
        con.execute("UPDATE person_records SET name = '郑新梅' WHERE person_key = 'pA'")
        con.execute("UPDATE persons SET name = '郑新梅' WHERE person_key = 'pA'")
    assert _name(warehouse) == "郑小梅"
    os.replace(other, warehouse)
    assert _name(warehouse) == "郑新梅"


def test_a_crashed_writers_announcement_is_removed(warehouse):
    flags = warehouse.with_name(f".{warehouse.name}.writers")
    flags.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (flags / f"{int(dead.stdout)}-1-0").touch()
    assert not writer_waiting(warehouse)
    assert list(flags.iterdir()) == []
    with announced(warehouse):
        assert writer_waiting(warehouse)
    assert not writer_waiting(warehouse)


def test_reads_from_threads_at_once_each_get_their_answer(warehouse):
    def read(i: int) -> list[str]:
        if i % 2:
            return [h.person_key for h in persons.search("zengguofan", path=warehouse)]
        return [r.file for r in persons.person_file("pA", path=warehouse).records]

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(read, range(16)))
    assert got == [["低保.xlsx", "被害人.xlsx"], ["pC"]] * 8


FORK_AFTER_READ = """
import os, sys
from pathlib import Path
from jiuzhu.engine import persons
from jiuzhu.engine.warehouse import announced, connect, open_file, writer_waiting
path = Path(sys.argv[1])
persons.search("zengguofan", path=path)
pid = os.fork()
if pid == 0:  # a child that reads and one that does not, each ending normally (its copy is closed at exit)
    if sys.argv[2] == "read":
        assert [h.person_key for h in persons.search("zengguofan", path=path)] == ["pC"]
    sys.exit(0)
_, status = os.waitpid(pid, 0)
assert [h.person_key for h in persons.search("zengguofan", path=path)] == ["pC"]
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.parametrize("child", ["read", "no read"])
def test_a_process_forked_after_a_read_reads_and_ends_cleanly(warehouse, child):
    """The process's DuckDB is closed before a fork (a child closing the parent's copy at its exit crashed)."""
    done = subprocess.run([sys.executable, "-c", FORK_AFTER_READ, str(warehouse), child], capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")


def _file(path) -> tuple:
    f = persons.person_file("pA", path=path)
    return f.person, f.records, f.links


def test_person_records_is_indexed_on_the_person(warehouse):
    """(DuckDB scans a table this small rather than use the index; on a county's it looks the person up.)"""
    con = open_file(warehouse, read_only=True)
    assert con.execute("SELECT table_name, expressions FROM duckdb_indexes()").fetchall() == [
        ("person_records", "[person_key]")]
    con.close()


@pytest.mark.parametrize("older", [
    "DROP INDEX person_records_key",  # linked before the index was written
    "DROP TABLE person_records",  # before person_records: persons and person_index read one by one
    "DROP TABLE person_records; DROP TABLE link_explanations",  # before link explanations were kept
])
def test_a_warehouse_of_an_older_layout_gives_the_same_person_file(warehouse, tmp_path, older):
    """The person file reads the tables linkage writes without first asking which exist: each older layout
    still gives the same file (no links where none were kept)."""
    expected = _file(warehouse)
    con = open_file(warehouse)
    con.execute(older)
    con.close()
    person, records, links = expected
    assert _file(warehouse) == (person, records, [] if "link_explanations" in older else links)
    assert [h.person_key for h in persons.search("郑小梅 1237", path=warehouse)] == ["pA"]


def test_a_person_search_rebuild_that_fails_keeps_the_previous_tables_and_index(warehouse, monkeypatch):
    """person_records and its index are written in one transaction: a rebuild stopped at the index (here by
    an error; a kill -9 is rolled back by DuckDB's log the same way) leaves the previous ones, still read."""
    expected = _file(warehouse)
    monkeypatch.setattr(persons, "PERSON_RECORDS_INDEX", "CREATE INDEX broken ON no_such_table (x)")
    con = open_file(warehouse)
    con.execute("DELETE FROM person_index WHERE record_id = 'b2:S:9'")
    with pytest.raises(duckdb.CatalogException):
        persons.build_search(con)
    assert con.execute("SELECT count(*) FROM person_records WHERE person_key = 'pA'").fetchall() == [(2,)]
    assert con.execute("SELECT index_name FROM duckdb_indexes()").fetchall() == [("person_records_key",)]
    con.close()
    assert _file(warehouse) == expected
