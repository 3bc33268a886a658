"""End to end through the real warehouse: ingest CSV files, link, `jiuzhu persons export`."""

from __future__ import annotations

import csv
import hashlib
from datetime import date

import duckdb
import pyarrow as pa
import pytest

from jiuzhu.cli.main import main
from jiuzhu.engine import api
from jiuzhu.engine.identity.idcard import make_id

SURNAMES = "林陈黄张吴王李刘郑杨"
GIVEN = ["建华", "秀英", "志强", "丽萍", "国平", "桂香", "明", "伟", "芳", "金水", "美玉", "春生"]


def _write(path, lines: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(lines)


@pytest.fixture
def county(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    lin = make_id("350425", date(1975, 6, 9), 41)
    chen = make_id("350425", date(1978, 1, 1), 2)
    dibao = [
        ["大田县低保对象花名册"],
        ["户主姓名", "户主身份证号", "成员姓名", "成员身份证号", "乡镇", "村(社区)"],
        ["林建华", lin, "林建华", lin.lower(), "均溪镇", "城关村"],
        ["林建华", lin, "陈秀英", chen, "均溪镇", "城关村"],
    ]
    for i in range(60):  # other residents, so that name frequencies look like a population
        name = SURNAMES[i % 10] + GIVEN[(i * 7) % 12] + ("" if i < 12 else GIVEN[i % 12][:1])
        n = make_id("350425", date(1950 + i % 45, 1 + i % 12, 1 + i % 27), 100 + i)
        dibao.append([name, n, name, n, "济阳乡", "济阳村"])
    _write(tmp_path / "低保.csv", dibao)
    _write(tmp_path / "被害人.csv", [
        ["被害人姓名", "被害人身份证号", "罪名", "判决案号", "出生日期", "性别", "乡镇"],
        ["陈秀瑛", "", "故意伤害罪", "（2024）闽0425刑初45号", "1978-01-01", "女", "均溪镇"],
        ["林建华", "3.50425197506E+17", "盗窃罪", "(2024)闽0425刑初46号", "1975-06-09", "男", "均溪镇"],
    ])
    api.ingest([tmp_path / "低保.csv", tmp_path / "被害人.csv"])
    return {"lin": lin, "chen": chen}


def _export(tmp_path) -> list[dict]:
    out = tmp_path / "persons.csv"
    assert main(["persons", "export", "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        assert fh.readline().strip() == "person_key,source_type,file,row,name,id_number,sheet"
        fh.seek(0)
        return list(csv.DictReader(fh))


def test_persons_export_lines_keys_and_ids(county, tmp_path):
    result = api.link()
    assert (result.records, result.records_with_id, result.records_linked, result.records_single) == (
        64,
        62,
        2,
        0,
    )
    rows = _export(tmp_path)
    assert len(rows) == 64
    by_name_file = {(r["name"], r["file"]): r for r in rows}
    lin_d, lin_v = by_name_file[("林建华", "低保.csv")], by_name_file[("林建华", "被害人.csv")]
    chen_d, chen_v = by_name_file[("陈秀英", "低保.csv")], by_name_file[("陈秀瑛", "被害人.csv")]
    assert lin_d["id_number"] == county["lin"] and lin_d["row"] == "3"
    assert lin_v["id_number"] == ""  # corrupted by Excel: never exported, never linked through
    assert chen_v["id_number"] == "" and chen_v["row"] == "2"
    assert (
        lin_v["person_key"]
        == lin_d["person_key"]
        == "p" + hashlib.sha256(county["lin"].encode()).hexdigest()[:16]
    )
    assert chen_v["person_key"] == chen_d["person_key"]
    assert len({r["person_key"] for r in rows}) == 62


def test_person_keys_are_stable_and_tables_replaced(county, tmp_path):
    api.link()
    first = sorted(tuple(r.values()) for r in _export(tmp_path))
    again = api.link()
    assert sorted(tuple(r.values()) for r in _export(tmp_path)) == first
    con = duckdb.connect(str(tmp_path / "home" / "warehouse.duckdb"), read_only=True)
    counts = con.sql("SELECT (SELECT count(*) FROM person_index), (SELECT count(*) FROM persons), "
                     "(SELECT count(*) FROM link_explanations)").fetchall()
    best = con.sql("SELECT name, id_number, sex, birth_date, records FROM persons WHERE id_number = ?",
                   params=[county["chen"]]).fetchall()
    con.close()
    assert counts == [(64, again.persons, again.links)]
    assert best == [("陈秀英", county["chen"], "女", date(1978, 1, 1), 2)]


def test_export_before_linking_is_an_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    assert main(["persons", "export", "--out", str(tmp_path / "p.csv")]) == 1
    assert "jiuzhu ingest" in capsys.readouterr().err


def test_linking_an_empty_warehouse_gives_empty_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    result = api.link()
    assert (result.records, result.persons, result.links) == (0, 0, 0)
    out = tmp_path / "p.csv"
    assert main(["persons", "export", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "person_key,source_type,file,row,name,id_number,sheet\n"


def test_key_of_a_person_without_id_survives_a_new_snapshot(county, tmp_path):
    # The victim file arrives twice more, a month apart, the second time with its rows reordered
    # and one added: every record id changes (new batch, other rows); the ID-less 欧阳雪凝, whom
    # nobody with an ID matches, keeps her key (and so would her clues).
    header = ["被害人姓名", "被害人身份证号", "罪名", "判决案号", "出生日期", "性别", "乡镇"]
    ouyang = ["欧阳雪凝", "", "诈骗罪", "(2024)闽0425刑初50号", "1991-02-03", "女", "石牌镇"]
    chen = ["陈秀瑛", "", "故意伤害罪", "（2024）闽0425刑初45号", "1978-01-01", "女", "均溪镇"]
    wu = ["吴美玉", "", "诈骗罪", "(2024)闽0425刑初77号", "1990-03-03", "女", "济阳乡"]

    def snapshot(folder: str, rows: list[list[str]]) -> tuple[set[str], dict[str, str]]:
        (tmp_path / folder).mkdir()
        _write(tmp_path / folder / "被害人.csv", [header, *rows])
        api.ingest([tmp_path / folder / "被害人.csv"])  # as of today: newer by import time
        api.link()
        con = duckdb.connect(str(tmp_path / "home" / "warehouse.duckdb"), read_only=True)
        ids = {
            r for (r,) in con.sql("SELECT record_id FROM subjects WHERE source_type = 'victim'").fetchall()
        }
        con.close()
        return ids, {r["name"]: r["person_key"] for r in _export(tmp_path) if r["source_type"] == "victim"}

    ids_1, keys_1 = snapshot("m1", [ouyang, chen])
    ids_2, keys_2 = snapshot("m2", [wu, chen, ouyang])
    assert len(ids_1) == 2 and len(ids_2) == 3 and not ids_1 & ids_2
    assert keys_1["欧阳雪凝"].startswith("r") and keys_2["欧阳雪凝"] == keys_1["欧阳雪凝"]
    assert (
        keys_2["陈秀瑛"] == keys_1["陈秀瑛"] == "p" + hashlib.sha256(county["chen"].encode()).hexdigest()[:16]
    )
    assert keys_2["吴美玉"] not in (keys_2["欧阳雪凝"], keys_2["陈秀瑛"])


def test_key_without_id_is_the_smallest_content_and_never_shared():
    from jiuzhu.engine.linkage.clustering import Partition
    from jiuzhu.engine.linkage.store import build_in, person_key, record_content

    base = {
        "source_type": "temp_relief",
        "id_number": None,
        "name": "黄金水",
        "name_masked": False,
        "sex": "男",
        "birth_date": None,
        "phone": None,
        "township": "济阳乡",
        "village": None,
        "address": None,
        "judgment_no": None,
        "basis_no": None,
    }
    # two different people whose rows say the same (kept apart, e.g. by the tie rule), and a third
    lineage = [dict(base, record_id="b2:Sheet1:3"), dict(base, record_id="b1:Sheet1:9"),
               dict(base, record_id="b1:Sheet1:2", name="黄金木")]
    table = pa.Table.from_pylist(lineage)
    part = Partition(
        {r["record_id"]: r["record_id"] for r in lineage}, {r["record_id"]: None for r in lineage}, []
    )
    work = duckdb.connect()
    work.register("lineage", table)
    build_in(work, part)
    index = work.sql("FROM out_index").to_arrow_table()
    work.close()
    got = dict(
        zip(index.column("record_id").to_pylist(), index.column("person_key").to_pylist(), strict=True)
    )
    same = record_content(base)
    assert got == {"b1:Sheet1:9": person_key(None, same), "b2:Sheet1:3": person_key(None, same, 2),
                   "b1:Sheet1:2": person_key(None, record_content(dict(base, name="黄金木")))}
    assert len(set(got.values())) == 3
