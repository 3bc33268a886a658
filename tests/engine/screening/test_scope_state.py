"""The screening state (screening/scope.py) takes a stored record's digest again instead of hashing the record:
after imports, a new snapshot, a withdrawal and purges, the rows it makes from what it kept are the rows made by
hashing every current record; a purge that changes records in place drops the state, and one that did not would
leave rows that are not the records' (docs/scale.md "Incremental runs")."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from jiuzhu.engine import api
from jiuzhu.engine.identity.idcard import make_id
from jiuzhu.engine.screening import scope
from jiuzhu.engine.screening.screen import screen_connection
from jiuzhu.engine.warehouse import connect, retention

AS_OF = date(2025, 10, 31)
HEADER = ["户主姓名", "户主身份证号", "成员姓名", "成员身份证号", "乡镇", "村(社区)"]
VICTIMS = [["被害人姓名", "被害人身份证号", "罪名", "判决案号", "出生日期", "性别", "乡镇"],
           ["陈秀瑛", "", "故意伤害罪", "（2024）闽0425刑初45号", "1978-01-01", "女", "均溪镇"]]
CHEN = make_id("350425", date(1978, 1, 1), 2)


def _write(path, lines: list[list[str]]) -> None:
    path.parent.mkdir(exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(lines)


def _dibao(n: int) -> list[list[str]]:
    rows = [HEADER, ["陈秀英", CHEN, "陈秀英", CHEN, "均溪镇", "城关村"]]
    for i in range(n):
        name = "林陈黄张吴王李刘郑杨"[i % 10] + ["建华", "秀英", "志强", "丽萍", "国平", "桂香"][(i * 7) % 6]
        number = make_id("350425", date(1950 + i % 45, 1 + i % 12, 1 + i % 27), 100 + i)
        head = CHEN if i < 3 else number  # 陈秀英 is the head of three 户: a second person on their rows
        rows.append(["陈秀英" if i < 3 else name, head, name, number, "济阳乡", "济阳村"])
    return rows


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    _write(tmp_path / "m1" / "低保.csv", _dibao(30))
    _write(tmp_path / "被害人.csv", VICTIMS)
    api.ingest([tmp_path / "m1" / "低保.csv", tmp_path / "被害人.csv"], as_of=date(2025, 9, 30))
    return tmp_path


def _screened() -> None:
    """Linkage and a screening that leaves its state, as `jiuzhu screen` runs them."""
    api.link(incremental=True)
    with connect() as con:
        screen_connection(con, AS_OF, keep_state=True)


def _kept_and_whole() -> tuple[list[tuple], list[tuple]]:
    """This run's state rows from the stored state's digests, and from hashing every current record."""
    with connect() as con:
        have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
        scope.prepare(con, have)
        kept = con.execute("SELECT * FROM temp.screening_rows_now ORDER BY ALL").fetchall()
        scope.prepare(con, set())  # as without a stored state
        whole = con.execute("SELECT * FROM temp.screening_rows_now ORDER BY ALL").fetchall()
    return kept, whole


def _stored() -> bool:
    with connect(read_only=True) as con:
        return "screening_rows" in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def test_the_digests_kept_give_the_rows_of_every_record(home):
    _screened()
    kept, whole = _kept_and_whole()
    assert kept == whole and len(whole) > 30
    rows = _dibao(30)
    del rows[5:8]
    rows[9][2] = "林建萍"
    _write(home / "m2" / "低保.csv", rows)
    [october] = api.ingest([home / "m2" / "低保.csv"], as_of=AS_OF)
    kept, whole = _kept_and_whole()
    assert kept == whole
    _screened()
    api.withdraw_batch(october.batch_id, reason="测试：撤回")
    kept, whole = _kept_and_whole()
    assert kept == whole
    _screened()
    api.purge_superseded([october.batch_id])  # not in the state any more: the state stays
    assert _stored()
    kept, whole = _kept_and_whole()
    assert kept == whole
    api.purge_person_records(CHEN)  # records deleted, and blanked in place where she is the head: dropped
    assert not _stored()
    kept, whole = _kept_and_whole()
    assert kept == whole


def test_a_purge_that_kept_the_state_would_leave_rows_not_the_records(home, monkeypatch):
    """The test above has teeth: with purges keeping the state, the rows kept are not the records'."""
    _screened()
    monkeypatch.setattr(retention, "SCREENING_STATE", ())
    api.purge_person_records(CHEN)
    assert _stored()
    kept, whole = _kept_and_whole()
    assert kept != whole
