"""`api.link(incremental=True)` keeps the stored linkage exactly when nothing it reads changed, and links in
full on every change of the records (a new snapshot, a withdrawn one, a purged person), of the code, or after
a linkage that left no digest — with the tables a full linkage writes (docs/scale.md "Incremental runs")."""

from __future__ import annotations

import csv
from datetime import date

import pyarrow as pa
import pytest

from jiuzhu.engine import api
from jiuzhu.engine.home import warehouse_path
from jiuzhu.engine.identity.idcard import make_id
from jiuzhu.engine.linkage import NAMES, delta, link_connection, reuse, run
from jiuzhu.engine.linkage.delta import kept_tables
from jiuzhu.engine.linkage.store import ADDRESSES, AUX_TABLES
from jiuzhu.engine.persons import build_search
from jiuzhu.engine.warehouse import BATCH_DIGESTS, RECORDS_STAGED, connect

HEADER = ["户主姓名", "户主身份证号", "成员姓名", "成员身份证号", "乡镇", "村(社区)"]
SURNAMES = "林陈黄张吴王李刘郑杨"
GIVEN = ["建华", "秀英", "志强", "丽萍", "国平", "桂香", "明", "伟", "芳", "金水", "美玉", "春生"]
VICTIMS = [["被害人姓名", "被害人身份证号", "罪名", "判决案号", "出生日期", "性别", "乡镇"],
           ["陈秀瑛", "", "故意伤害罪", "（2024）闽0425刑初45号", "1978-01-01", "女", "均溪镇"],
           ["欧阳雪凝", "", "诈骗罪", "(2024)闽0425刑初50号", "1991-02-03", "女", "石牌镇"]]


def _write(path, lines: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(lines)


def _dibao(n: int) -> list[list[str]]:
    chen = make_id("350425", date(1978, 1, 1), 2)
    rows = [HEADER, ["陈秀英", chen, "陈秀英", chen, "均溪镇", "城关村"]]
    for i in range(n):
        name = SURNAMES[i % 10] + GIVEN[(i * 7) % 12] + ("" if i < 12 else GIVEN[i % 12][:1])
        number = make_id("350425", date(1950 + i % 45, 1 + i % 12, 1 + i % 27), 100 + i)
        rows.append([name, number, name, number, "济阳乡", "济阳村"])
    return rows


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    (tmp_path / "m1").mkdir()
    _write(tmp_path / "m1" / "低保.csv", _dibao(40))
    _write(tmp_path / "被害人.csv", VICTIMS)
    api.ingest([tmp_path / "m1" / "低保.csv", tmp_path / "被害人.csv"], as_of=date(2025, 9, 30))
    return tmp_path


LINKAGE_TABLES = ("person_index", "persons", "link_explanations", "person_search", "person_search_py",
                  "person_search_id", "person_records")


def _tables() -> list[list[tuple]]:
    with connect(read_only=True) as con:
        return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in LINKAGE_TABLES]


def _full() -> list[list[tuple]]:
    """The tables a full linkage of the same warehouse writes (on a copy: the original is untouched)."""
    copy = warehouse_path().with_name("full.duckdb")
    copy.unlink(missing_ok=True)
    api.copy_warehouse(warehouse_path(), copy)
    with connect(copy) as con:
        link_connection(con)
        build_search(con)
        return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in LINKAGE_TABLES]


def test_kept_only_while_nothing_it_reads_changed(home):
    first = api.link(incremental=True)
    assert not first.reused and first.records == 43
    again = api.link(incremental=True)
    assert again.reused and (again.records, again.persons, again.links) == (first.records, first.persons,
                                                                              first.links)
    assert _tables() == _full()
    assert not api.link().reused  # without incremental: always in full

    # A new snapshot: 3 rows gone, 2 added, one corrected (a name): linked again, as a full run would.
    rows = _dibao(42)
    del rows[5:8]
    rows[3][2] = rows[3][0] = "林建萍"
    (home / "m2").mkdir()
    _write(home / "m2" / "低保.csv", rows)
    [batch] = api.ingest([home / "m2" / "低保.csv"], as_of=date(2025, 10, 31))
    changed = api.link(incremental=True)
    assert not changed.reused and changed.records == 42
    assert _tables() == _full()
    assert api.link(incremental=True).reused

    api.withdraw_batch(batch.batch_id, reason="测试：撤回")  # the September snapshot is current again
    back = api.link(incremental=True)
    assert not back.reused and back.records == 43
    assert _tables() == _full()

    api.purge_person_records(make_id("350425", date(1978, 1, 1), 2))  # records deleted in place
    assert not api.link(incremental=True).reused
    assert _tables() == _full()


def test_code_change_or_a_linkage_without_digest_links_in_full(home, monkeypatch):
    api.link(incremental=True)
    monkeypatch.setattr(reuse, "code_digest", lambda: "another release")
    assert not api.link(incremental=True).reused
    assert api.link(incremental=True).reused
    with connect() as con:  # a linkage that stopped before its digest was written (or any other writer)
        link_connection(con)
        assert con.sql("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_name = 'linkage_state' OR table_name LIKE 'linkage\\_%' ESCAPE '\\'"
                       ).fetchall() == [(0,)]  # nor what a delta linkage reads (it described another input)
    again = api.link(incremental=True)
    assert not again.reused and not again.delta


def _snapshot(home, month: str, rows: list[list[str]], as_of: date) -> str:
    (home / month).mkdir()
    _write(home / month / "低保.csv", rows)
    [batch] = api.ingest([home / month / "低保.csv"], as_of=as_of)
    return batch.batch_id


def test_a_snapshot_that_cannot_reach_the_residue_links_from_its_stored_features(home):
    """A sequence of 低保 snapshots: after each, the tables — what the next delta linkage reads, its stored
    edges included — equal a full linkage's row for row, and the linkage took the delta path exactly when no
    changed record could reach the two victims without ID."""
    first = api.link(incremental=True)
    assert not first.delta and first.fallback == "无上次关联的中间结果"

    # Rows gone, added and a corrected name, all in 济阳乡 with IDs: nothing near the victims.
    rows = _dibao(42)
    del rows[5:8]
    rows[3][2] = rows[3][0] = "林建萍"
    _snapshot(home, "m2", rows, date(2025, 10, 31))
    second = api.link(incremental=True)
    assert second.delta and not second.reused and second.records == 42
    assert _kept_tables() == _full_kept()

    # An added person (with ID) who bears a victim's name in her township: a new candidate — in full.
    ouyang = make_id("350425", date(1991, 2, 3), 4)
    rows.append(["欧阳雪凝", ouyang, "欧阳雪凝", ouyang, "石牌镇", ""])
    _snapshot(home, "m3", rows, date(2025, 11, 30))
    third = api.link(incremental=True)
    assert not third.delta and third.fallback == "与无身份证号记录同名"
    assert third.records_linked == second.records_linked + 1  # the victim joined her: it mattered
    assert _kept_tables() == _full_kept()

    # Another corrected name and a row gone, away from the victims: delta again (she is a candidate now,
    # unchanged under a new record id).
    rows[4][2] = rows[4][0] = "黄国萍"
    del rows[10]
    _snapshot(home, "m4", rows, date(2025, 12, 31))
    fourth = api.link(incremental=True)
    assert fourth.delta and fourth.records_linked == third.records_linked
    assert _kept_tables() == _full_kept()

    # The 陈秀英 row goes: a candidate of the victim 陈秀瑛 — in full.
    del rows[1]
    _snapshot(home, "m5", rows, date(2026, 1, 31))
    fifth = api.link(incremental=True)
    assert not fifth.delta and fifth.fallback
    assert _kept_tables() == _full_kept()
    assert api.link(incremental=True).reused


def test_the_digest_sees_one_changed_cell(home):
    with connect() as con:
        before = reuse.inputs_digest(con, "duckdb")
        assert reuse.inputs_digest(con, "duckdb") == before
        assert reuse.inputs_digest(con, "spark") != before
        con.execute("UPDATE rec_victim SET judgment_no = '(2024)闽0425刑初51号' WHERE judgment_no LIKE '%50号'")
        # the sums kept per batch hold while records are not edited in place (a purge, which does, drops them)
        assert reuse.inputs_digest(con, "duckdb") == before
        con.execute(f"DROP TABLE {BATCH_DIGESTS}")
        assert reuse.inputs_digest(con, "duckdb") != before


def _kept_and_whole() -> tuple[str, str, list[tuple]]:
    """The digest with the sums kept per batch, the one taken over every record, and the batches kept."""
    with connect() as con:
        kept = reuse.inputs_digest(con, "duckdb")
        batches = con.execute(f"SELECT batch_id FROM {BATCH_DIGESTS} WHERE batch_id IN (SELECT batch_id FROM batches) "
                              "ORDER BY ALL").fetchall()
        con.execute(f"DROP TABLE {BATCH_DIGESTS}")
        whole = reuse.inputs_digest(con, "duckdb")
        con.execute(f"DROP TABLE {BATCH_DIGESTS}")
        kept_again = reuse.inputs_digest(con, "duckdb")  # the sums taken again, for what follows
    assert kept_again == whole
    return kept, whole, batches


def test_the_sums_kept_per_batch_give_the_digest_of_every_record(home):
    """After imports, a new snapshot, a withdrawal and purges, the digest from the sums kept per batch is
    the one taken over every record; each purge drops the sums (docs/retention.md)."""
    with connect() as con:
        first = reuse.inputs_digest(con, "duckdb")
    kept, whole, batches = _kept_and_whole()
    assert kept == whole == first and len(batches) == 2
    rows = _dibao(42)
    del rows[5:8]
    rows[3][2] = rows[3][0] = "林建萍"
    october = _snapshot(home, "m2", rows, date(2025, 10, 31))
    with connect() as con:  # the two sums kept, the new batch's taken
        snapshot = reuse.inputs_digest(con, "duckdb")
    kept, whole, batches = _kept_and_whole()
    assert kept == whole == snapshot != first and len(batches) == 3
    api.withdraw_batch(october, reason="测试：撤回")
    kept, whole, batches = _kept_and_whole()
    assert kept == whole == first and len(batches) == 3  # the withdrawn batch's sum kept, not counted

    api.purge_superseded([october])  # (withdrawn, not superseded: the deletion is the same)
    with connect(read_only=True) as con:
        assert BATCH_DIGESTS not in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    kept, whole, _ = _kept_and_whole()
    assert kept == whole == first
    api.purge_person_records(make_id("350425", date(1978, 1, 1), 2))  # records deleted in place
    with connect(read_only=True) as con:
        assert BATCH_DIGESTS not in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    kept, whole, _ = _kept_and_whole()
    assert kept == whole != first


def _households() -> int:
    with connect(read_only=True) as con:
        [(n,)] = con.execute(f"SELECT records FROM {BATCH_DIGESTS} WHERE starts_with(batch_id, '户号:')").fetchall()
    return n


def test_the_household_sum_kept_is_taken_again_when_the_current_batches_change(small_county, tmp_path, monkeypatch):
    """The 户号 a 户籍 record carries depends on other registries' records (features.household_numbers): its sum
    is kept for one set of current batches only — after a 低保边缘 snapshot with half its rows gone (fewer
    persons whose 户 an address names) and its withdrawal, the kept digest is the one over every record."""
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    api.ingest(sorted(p for p in small_county.iterdir() if p.is_file()), as_of=date(2025, 10, 31))
    kept, whole, _ = _kept_and_whole()
    first, homes = kept, _households()
    assert kept == whole and homes > 0
    [edge] = [p for p in small_county.iterdir() if "低保边缘" in p.name]
    lines = edge.read_text(encoding="utf-8-sig").splitlines()
    (tmp_path / "m2").mkdir()
    (tmp_path / "m2" / edge.name).write_text("\n".join(lines[:len(lines) // 2]) + "\n", encoding="utf-8")
    [batch] = api.ingest([tmp_path / "m2" / edge.name], as_of=date(2025, 11, 30))
    kept, whole, _ = _kept_and_whole()
    assert kept == whole != first and _households() < homes
    api.withdraw_batch(batch.batch_id, reason="测试：撤回")
    kept, whole, _ = _kept_and_whole()
    assert kept == whole == first and _households() == homes


def _indexes() -> list[tuple]:
    with connect(read_only=True) as con:
        return con.execute("SELECT table_name, index_name FROM duckdb_indexes()").fetchall()


def test_the_person_file_index_is_there_after_a_linkage_and_after_one_kept(home):
    """person_records is indexed on the person (engine/persons.py) when linkage writes it, and a kept linkage
    of a warehouse linked before the index was written gets it too."""
    api.link(incremental=True)
    assert _indexes() == [("person_records", "person_records_key")]
    with connect() as con:
        con.execute("DROP INDEX person_records_key")
    assert api.link(incremental=True).reused
    assert _indexes() == [("person_records", "person_records_key")]
    assert api.link(incremental=True).reused and _indexes() == [("person_records", "person_records_key")]


def test_a_person_purged_on_request_is_in_no_table_and_no_person_file(home):
    """Their ID number is in no row of any table afterwards — the person file's and the search's tables
    included, and person_records as a killed search build left it before renaming it — and their person file
    is empty (docs/retention.md)."""
    api.link()
    chen = make_id("350425", date(1978, 1, 1), 2)
    key = api.person_key_for_id(chen)
    assert api.person_file(key).records
    with connect() as con:
        con.execute(f"CREATE TABLE {RECORDS_STAGED} AS FROM person_records")
    api.purge_person_records(chen)
    with connect(read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        holding = [t for t in tables if any(chen in repr(r) or key in repr(r)
                                            for r in con.execute(f"SELECT * FROM {t}").fetchall())]
    assert holding == []
    found = api.person_file(key)
    assert (found.person, found.records, found.links) == (None, [], [])


def test_a_linkage_stopped_midway_leaves_what_a_full_linkage_would_give_next(home, monkeypatch):
    """A run that stops inside the transaction writing the tables leaves the last linkage whole (its digest
    and what a delta run reads included); one that stops after it, before the person search and digest,
    leaves no digest, and the next run rebuilds everything from what was written with the tables."""
    api.link(incremental=True)
    before, kept = _tables(), _kept_tables()
    rows = _dibao(42)
    del rows[5:8]
    _snapshot(home, "m2", rows, date(2025, 10, 31))

    def broken(*args, **kwargs):
        tables = kept_tables(*args, **kwargs)
        return {**tables, NAMES: lambda: (_ for _ in ()).throw(RuntimeError("killed"))}

    with monkeypatch.context() as patch, pytest.raises(RuntimeError, match="killed"):
        patch.setattr(run, "kept_tables", broken)  # dies writing the last tables, inside the transaction
        api.link(incremental=True)
    # what a delta run reads too, the features written first in the same transaction included
    assert _tables() == before and _kept_tables() == kept
    with connect(read_only=True) as con:
        assert con.sql("SELECT count(*) FROM linkage_state").fetchall() == [(1,)]

    def stopped(*args, **kwargs):
        raise RuntimeError("killed")

    with monkeypatch.context() as patch, pytest.raises(RuntimeError, match="killed"):
        patch.setattr(api, "build_search", stopped)  # dies after the tables, before the search and digest
        patch.setattr(api, "update_search", stopped)  # (a delta run updates the search instead)
        api.link(incremental=True)
    again = api.link(incremental=True)
    # nothing changed since the tables: rebuilt from them, the search brought up to them from where it was
    assert not again.reused and again.delta
    assert _tables() == _full()


# Caches of answers that depend on nothing a delta run changes, not compared with a full linkage's: the pinyin
# (a delta linkage adds the names it lacks and drops none), the address index's answers (a delta linkage keeps
# those of its addresses; test_reuse_addresses checks each against the index of now).
CACHES = (NAMES, ADDRESSES)


def _kept_tables(path=None) -> dict[str, list[tuple]]:
    """The linkage tables, the person search and what a delta linkage reads next time, but the caches."""
    with connect(path, read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in (*LINKAGE_TABLES, *AUX_TABLES) if t not in CACHES}


def _full_kept() -> dict[str, list[tuple]]:
    """``_kept_tables`` of a full linkage that keeps what a delta one reads (on a copy)."""
    copy = warehouse_path().with_name("full.duckdb")
    copy.unlink(missing_ok=True)
    api.copy_warehouse(warehouse_path(), copy)
    with connect(copy) as con:
        link_connection(con, keep=True)
        build_search(con, pinyin_of=NAMES)
    return _kept_tables(copy)


def test_delta_linkages_in_a_row_write_only_changes_and_equal_a_full_one(home, monkeypatch):
    """Delta after delta: the rows a delta linkage writes as changes (person_index, persons,
    linkage_records) and the person search it updates equal, with every other table, those of a full
    linkage — so the next delta run reads what a full one would have left. Without the update of the search
    (a stale person search) the comparison fails."""
    api.link(incremental=True)
    rows = _dibao(42)
    for month, as_of, edit in (("m2", date(2025, 10, 31), lambda r: r.__delitem__(slice(5, 8))),
                               ("m3", date(2025, 11, 30), lambda r: r[3].__setitem__(slice(0, 3), ["林建萍"] * 3)),
                               ("m4", date(2025, 12, 31), lambda r: r.append(r[-1][:4] + ["济阳乡", "济阳村"]))):
        edit(rows)
        _snapshot(home, month, rows, as_of)
        done = api.link(incremental=True)
        assert done.delta, done.fallback
        delta, full = _kept_tables(), _full_kept()
        assert [t for t in delta if delta[t] != full[t]] == []
    # the comparison sees a person search left as it was
    rows[10][0] = rows[10][2] = "郑美玉新"
    _snapshot(home, "m5", rows, date(2026, 1, 31))
    with monkeypatch.context() as patch:
        patch.setattr(api, "update_search", lambda con, pinyin_of=None: 0)
        assert api.link(incremental=True).delta
    assert _kept_tables() != _full_kept()


def _linkage_only(path=None) -> dict[str, list[tuple]]:
    """The tables a linkage writes (without the person search) and what the next delta linkage reads."""
    with connect(path, read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("person_index", "persons", "link_explanations", *AUX_TABLES) if t not in CACHES}


def _her_edges() -> list[tuple]:
    """The eligibility level of the stored edges of 林晓梅's record."""
    with connect(read_only=True) as con:
        return con.sql("""SELECT e.level_eligibility FROM linkage_edges e JOIN linkage_features f
                          ON f.unique_id IN (e.record_id_l, e.record_id_r) WHERE f.name_norm = '林晓梅'""").fetchall()


def test_a_moved_eligibility_bound_scores_again_the_pairs_it_changes(home, monkeypatch):
    """The victims' file again a month later, the same rows in another order: every record without ID keeps
    its features but ``birth_to`` (born by the as-of date), which passes the birth date of 林晓梅 (with ID,
    born 2025-10-10) — the victim 林小梅 born that month was 年龄不符 with her and now may be her. A delta
    linkage reuses the stored edges renamed, but scores that pair again: every table, the stored edges
    included, equals a full linkage's. Reusing the moved record's stored edge instead fails that. Withdrawn,
    the bound moves back and they part, on the delta path too."""
    girl = make_id("350425", date(2025, 10, 10), 6)
    _snapshot(home, "m2", [*_dibao(40), ["林晓梅", girl, "林晓梅", girl, "济阳乡", "济阳村"]], date(2025, 10, 1))
    victims = [*VICTIMS, ["林小梅", "", "故意伤害罪", "（2025）闽0425刑初60号", "2025-10-20", "女", "济阳乡"]]
    for month, as_of, lines in (("v1", date(2025, 10, 1), victims),
                                ("v2", date(2025, 10, 31), [victims[0], *reversed(victims[1:])])):
        (home / month).mkdir()
        _write(home / month / "被害人.csv", lines)
        [batch] = api.ingest([home / month / "被害人.csv"], as_of=as_of)
        if month == "v1":
            first = api.link(incremental=True)
            assert not first.delta and _kept_tables() == _full_kept()
            assert _her_edges() == []  # 年龄不符: below the threshold
    wrong = warehouse_path().with_name("wrong.duckdb")
    api.copy_warehouse(warehouse_path(), wrong)

    second = api.link(incremental=True)
    assert second.delta, second.fallback
    # she and the victim are one person now
    assert (second.records_linked, second.persons) == (first.records_linked + 1, first.persons - 1)
    assert _kept_tables() == _full_kept()
    assert _her_edges() == [("年龄相符",)]
    right = _linkage_only()

    # the moved record's stored edge reused as it was: a person apart who should not be, and the old edge
    with monkeypatch.context() as patch, connect(wrong) as con:
        patch.setattr(delta, "changed_rows", lambda work, before, after: [])
        assert link_connection(con, keep=True, delta=True).delta
    assert [t for t, rows in _linkage_only(wrong).items() if rows != right[t]] == [
        "person_index", "persons", "link_explanations", "linkage_edges"]

    # The month withdrawn: the bound moves back, the two are apart again. Her person is rebuilt because it held
    # a record without ID before (store._SCOPE); built without it, her stored row (2 records) stays.
    api.withdraw_batch(batch.batch_id, reason="测试：撤回")
    api.copy_warehouse(warehouse_path(), wrong.with_name("wrong2.duckdb"))
    third = api.link(incremental=True)
    assert third.delta and (third.records_linked, third.persons) == (first.records_linked, first.persons)
    assert _her_edges() == [] and _kept_tables() == _full_kept()

    def unscoped(con, work):
        work.register("linked_before", pa.table({"id": pa.array([], pa.string())}))
        return True

    with monkeypatch.context() as patch, connect(wrong.with_name("wrong2.duckdb")) as con:
        patch.setattr(run, "scope_in", unscoped)
        assert link_connection(con, keep=True, delta=True).delta
    assert [t for t, rows in _linkage_only(wrong.with_name("wrong2.duckdb")).items()
            if rows != _linkage_only()[t]] == ["persons"]


def test_snapshots_that_reach_the_residue_derive_again_and_write_only_changes(home, monkeypatch):
    """Rows without ID added, corrected and gone, a namesake and a housemate of theirs added: every such run
    derives the features again (the stored name keys) and writes the tables as changes — after each, every
    table, the person search and what the next delta run reads equal a full linkage's, row for row. Written
    whole without the persons of the stored linkage that the scope names (store._SCOPE), they do not."""
    first = api.link(incremental=True)
    # The victim 陈秀瑛 (without ID) leaves the 低保 陈秀英 she had joined: her person loses a record though
    # no changed record bears her ID and no pair names it now — only "held a record without ID before"
    # (store._SCOPE's linked_before) brings it into the scope. Left out of it, persons differs.
    (home / "v2").mkdir()
    _write(home / "v2" / "被害人.csv", [VICTIMS[0], VICTIMS[2]])
    api.ingest([home / "v2" / "被害人.csv"], as_of=date(2025, 10, 15))
    wrong = warehouse_path().with_name("wrong.duckdb")
    api.copy_warehouse(warehouse_path(), wrong)
    gone = api.link(incremental=True)
    assert gone.rederived and gone.fallback == "无身份证号的记录有变"
    assert (gone.records_linked, gone.persons) == (first.records_linked - 1, first.persons)
    assert _kept_tables() == _full_kept()

    def unscoped(con, work):
        work.register("linked_before", pa.table({"id": pa.array([], pa.string())}))
        return True

    with monkeypatch.context() as patch, connect(wrong) as con:
        patch.setattr(run, "scope_in", unscoped)
        assert link_connection(con, keep=True, delta=True).rederived
    assert [t for t, r in _linkage_only(wrong).items() if r != _linkage_only()[t]] == ["persons"]

    chen = make_id("350425", date(1978, 1, 1), 2)
    rows = _dibao(40)
    steps = (
        # a member without ID in 陈秀英's 户, named by her head's ID (alt_id), and one without ID elsewhere
        lambda r: r.extend([["陈秀英", chen, "陈建华", "", "均溪镇", "城关村"],
                            ["林国平", "", "林国萍", "", "济阳乡", "济阳村"]]),
        # the first corrected (a name near the victim's), a row with ID gone, a namesake with ID added
        lambda r: (r[-2].__setitem__(2, "陈秀瑛"), r.__delitem__(7),
                   r.append(["林国萍", make_id("350425", date(1960, 5, 5), 9), "林国萍",
                             make_id("350425", date(1960, 5, 5), 9), "济阳乡", "济阳村"])),
        # the row without ID elsewhere gone, its namesake's village corrected
        lambda r: (r.__delitem__(-3), r[-1].__setitem__(5, "城关村")),
    )
    for k, edit in enumerate(steps):
        edit(rows)
        _snapshot(home, f"r{k}", rows, date(2025, 10 + k, 28))
        done = api.link(incremental=True)
        assert done.rederived and not done.delta and done.fallback, done
        delta, full = _kept_tables(), _full_kept()
        assert [t for t in delta if delta[t] != full[t]] == []


@pytest.mark.parametrize("seed", [3, 11, 19])
def test_random_snapshot_sequences_equal_a_full_linkage(home, seed):
    """Random 低保 snapshots (rows gone, IDs blanked, names and places corrected, rows without ID and
    namesakes added), 4 in a row per seed: after each, whatever path the linkage took, every table equals a
    full linkage's row for row."""
    import random  # here, not at the top: only this test draws
    rng = random.Random(seed)
    api.link(incremental=True)
    rows = _dibao(40)
    paths = []
    for k in range(4):
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(1, len(rows))
            match rng.randrange(6):
                case 0:
                    del rows[i]
                case 1:
                    rows[i] = [*rows[i][:3], "", *rows[i][4:]]  # the member's ID blanked: a row without ID
                case 2:
                    rows[i] = [*rows[i][:2], rows[i][2][:-1] + rng.choice("英瑛华萍平"), *rows[i][3:]]
                case 3:
                    rows[i] = [*rows[i][:4], rng.choice(["均溪镇", "济阳乡", "石牌镇"]), rows[i][5]]
                case 4:
                    rows.append([*rows[i][:2], rows[i][2], "", *rows[i][4:]])  # a namesake without ID
                case _:
                    number = make_id("350425", date(1940 + rng.randrange(60), 1 + rng.randrange(12), 3), 500 + k)
                    rows.append(["林国平", number, rng.choice(["陈秀瑛", "欧阳雪凝", rows[i][2]]), number,
                                 rows[i][4], rows[i][5]])
        _snapshot(home, f"s{k}", rows, date(2025, 10, 1 + 7 * k))
        done = api.link(incremental=True)
        paths.append("delta" if done.delta else "rederived" if done.rederived else "full")
        delta, full = _kept_tables(), _full_kept()
        assert [t for t in delta if delta[t] != full[t]] == [], (seed, k, done)
    assert "full" not in paths, paths  # every snapshot diffed against the stored linkage


def test_a_gone_record_that_was_a_candidate_links_in_full(home):
    """A 低保 row that some blocking rule paired with a victim without ID (surname and birth date), in
    another township and with another name, then gone: only its having been a candidate (the stored features'
    ids, read for the changed records alone) says it reached the residue."""
    ouyang = make_id("350425", date(1991, 2, 3), 7)
    rows = _dibao(40)
    rows.append(["欧阳建国", ouyang, "欧阳建国", ouyang, "济阳乡", "济阳村"])
    _snapshot(home, "m2", rows, date(2025, 10, 31))
    api.link(incremental=True)
    later = [list(r) for r in rows[:-1]]
    later[3][2] = later[3][0] = "林建萍"  # a file of its own (not m1's again), the change far from the victims
    _snapshot(home, "m3", later, date(2025, 11, 30))
    gone = api.link(incremental=True)
    assert not gone.delta and gone.fallback == "曾为候选记录"
    assert _kept_tables() == _full_kept()
