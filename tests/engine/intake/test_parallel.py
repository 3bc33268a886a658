"""A folder imported by worker processes (``jobs`` > 1) leaves exactly the warehouse, results and reports of
a serial import: every rec_* table, rejections and batches (but their import time), in the order given."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from jiuzhu.engine.api import ingest

from .helpers import ids, write_csv, write_xlsx

DISABILITY = ["序号", "姓名", "身份证号", "残疾证号", "残疾类别", "残疾等级", "发证日期", "联系电话"]
DIBAO = ["户主姓名", "户主身份证号", "姓名", "身份证号", "与户主关系", "低保类别", "月保障金额(元)", "乡镇"]
HOUSEHOLD = ["户号", "姓名", "身份证号", "与户主关系", "人员状态", "乡镇"]


def _folder(root: Path) -> Path:
    """Files of every outcome: imported with problems, several sheets and types, failed, header only,
    every row rejected, a byte-identical copy, and two snapshots of one registry."""
    folder = root / "in"
    folder.mkdir()
    people = ids(400)
    rows = []
    for i, pid in enumerate(people[:300]):
        grade = ("一级", "2级", "五级", "Ⅲ级")[i % 4]  # 五级 rejects the row
        issued = ("2024-02-30", "2024/3/1", "", "20240105")[i % 5 % 4]  # 02-30 is dropped
        phone = ("12345", "13812345678", "")[i % 3]
        pid_cell = pid if i % 7 else pid[:17] + ("0" if pid[17] != "0" else "1")  # a wrong check digit flags
        rows.append([i + 1, f"人{i % 50}", pid_cell, "", ("肢体", "视力残疾", "3")[i % 3], grade, issued, phone])
    rows.insert(40, rows[10][:1] + rows[10][1:])  # a duplicate (序号 aside)
    rows.insert(120, [121, *rows[5][1:]])
    # Late copies of early rows (a file parsed in parts must still find them): a flagged row, a rejected one,
    # one with a dropped value, and one twice.
    rows += [[n + 400, *rows[k][1:]] for n, k in enumerate((0, 2, 5, 3, 3))]
    rows += [["合计"], ["填表人：王某"], []]
    write_csv(folder / "a-残疾人.csv", [DISABILITY, *rows])
    write_csv(folder / "b-户籍.csv",
              [HOUSEHOLD, *[[f"H{i // 3:05d}", f"户{i}", pid, ("户主", "妻子", "儿媳", "邻居")[i % 4], "正常", "均溪镇"]
                            for i, pid in enumerate(people)]])
    sheets = {
        "低保": [DIBAO, *[[f"户{i // 3}", people[i // 3 * 3], f"保{i}", pid, ("户主", "妻子", "女婿")[i % 3],
                           ("城市", "农村低保", "乡下")[i % 3], (600, "3.5万", -1)[i % 3], "均溪镇"]
                          for i, pid in enumerate(people[:60])]],
        "特困": [["姓名", "身份证号", "供养方式", "乡镇"],
                 *[[f"困{i}", pid, ("集中", "分散供养")[i % 2], "均溪镇"] for i, pid in enumerate(people[60:90])]],
        "说明": [["本表由民政局填报"]],
        "低保续": [DIBAO, ["户0", people[0], "保0", people[0], "户主", "城市", 600, "均溪镇"],
                   ["户0", people[0], "保新", people[100], "子", "城市", 600, "均溪镇"]],
    }
    write_xlsx(folder / "c-民政.xlsx", sheets, hidden=("说明",))
    (folder / "d-空.csv").write_bytes(b"")
    write_csv(folder / "e-只有表头.csv", [["姓名", "身份证号", "供养方式", "乡镇"]])
    write_csv(folder / "f-全拒收.csv", [["姓名", "身份证号", "供养方式", "乡镇"], ["", people[1], "集中", "x"]])
    shutil.copy(folder / "a-残疾人.csv", folder / "g-残疾人副本.csv")
    header = ["姓名", "身份证号", "失业登记日期"]
    write_csv(folder / "h-失业1.csv", [header, ["甲", people[0], "2025-09-01"]])
    write_csv(folder / "i-失业2.csv", [header, ["乙", people[1], "2025-10-01"], ["丙", "", "2025/10/2"]])
    return folder


def _warehouse(home: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        out = {}
        for t in tables:
            cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                              "table_name = ? ORDER BY ordinal_position", [t]).fetchall()]
            keep = ", ".join(f'"{c}"' for c in cols if c != "imported_at")
            out[t] = sorted(con.execute(f"SELECT {keep} FROM {t}").fetchall(), key=repr)
        out["current"] = sorted(con.execute("SELECT batch_id FROM current_batches").fetchall())
        return out
    finally:
        con.close()


def _reports(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((home / "reports").glob("*.csv"))}


def _run(home: Path, folder: Path, jobs: int, monkeypatch) -> list[tuple]:
    monkeypatch.setenv("JIUZHU_HOME", str(home))
    lines: list[str] = []
    results = ingest([folder], jobs=jobs, as_of=date(2025, 10, 31), progress=lines.append)
    home_text = str(home)
    return [(r.file_name, r.status, r.batch_id, r.source_type, r.as_of, r.rows_taken, r.rows_rejected, r.rows_flagged,
             r.rows_duplicate, r.values_dropped, r.sheets, r.skipped_sheets, r.message_zh.replace(home_text, "~"),
             r.message_en.replace(home_text, "~"), (r.report_csv or "").replace(home_text, "~"))
            for r in results]


@pytest.mark.parametrize(("jobs", "split"), [(2, False), (3, False), (2, True), (3, True)])
def test_parallel_import_equals_serial(tmp_path, monkeypatch, jobs, split):
    """``split``: every CSV is parsed in parts (one per worker), as a large one is."""
    from jiuzhu.engine.intake import parallel as par

    folder = _folder(tmp_path)
    serial = _run(tmp_path / "serial", folder, 1, monkeypatch)
    if split:
        monkeypatch.setattr(par, "SPLIT_BYTES", 1)
    parallel = _run(tmp_path / "parallel", folder, jobs, monkeypatch)
    assert parallel == serial
    statuses = [(r[0], r[1]) for r in serial]
    assert statuses == [("a-残疾人.csv", "imported"), ("b-户籍.csv", "imported"), ("c-民政.xlsx", "imported"),
                        ("c-民政.xlsx", "imported"), ("d-空.csv", "failed"), ("e-只有表头.csv", "failed"),
                        ("f-全拒收.csv", "failed"), ("g-残疾人副本.csv", "unchanged"), ("h-失业1.csv", "imported"),
                        ("i-失业2.csv", "imported")]
    a, b = _warehouse(tmp_path / "serial"), _warehouse(tmp_path / "parallel")
    assert a == b
    assert len(a["rec_household"]) == 300 and len(a["rejections"]) > 100  # 邻居 is no relation
    assert _reports(tmp_path / "serial") == _reports(tmp_path / "parallel")

    again = _run(tmp_path / "parallel", folder, jobs, monkeypatch)  # byte-identical files: a no-op
    assert [r[1] for r in again] == ["unchanged"] * 4 + ["failed"] * 3 + ["unchanged"] * 3
    assert _warehouse(tmp_path / "parallel") == b
