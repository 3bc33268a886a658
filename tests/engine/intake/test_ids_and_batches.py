"""sources.md §1 "identity numbers", "bad rows", "batches", "lineage"; the ingest and batches commands."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from jiuzhu.cli.main import main
from jiuzhu.engine.api import ingest
from jiuzhu.engine.identity.idcard import check_digit, upgrade_15

from .helpers import ids, rows_of, write_csv, write_xlsx

HEADER = ["姓名", "身份证号", "残疾证号", "残疾类别", "残疾等级", "发证日期", "联系电话"]


def test_id_cells_valid_empty_invalid_corrupted_are_all_stored(home, tmp_path):
    good = ids(3)
    wrong_check = good[0][:17] + ("0" if good[0][17] != "0" else "1")
    ends_000 = "350425198801011000"
    assert check_digit(ends_000[:17]) != "0"
    id15 = "350425880101123"
    rows = [
        ["甲", float(good[0]), "", "肢体", "二级", "", ""],  # a number cell: Excel lost the last digits
        ["乙", "3.50425198801011E+17", "", "肢体", "2级", "", ""],  # scientific text
        ["丙", ends_000, "", "肢体", "2", "", ""],  # 18 digits ending 000, check fails
        ["丁", wrong_check, "", "视力残疾", "一级", "", ""],
        ["戊", "", "", "听力", "三级", "", ""],
        ["己", good[1].lower().replace("X", "x"), "", "精神", "四级", "", ""],
        ["庚", " ".join([good[2][:6], good[2][6:14], good[2][14:]]), "", "智力", "4", "", ""],
        ["辛", id15, "", "多重", "四级", "", ""],
        ["壬", "３５０４２５１９８８０２３０１２３４", "", "言语", "四级", "", ""],  # impossible birth date
    ]
    path = write_xlsx(tmp_path / "残疾人.xlsx", {"名单": [HEADER, *rows]})
    [r] = ingest([path])
    assert (r.rows_taken, r.rows_rejected, r.rows_flagged) == (9, 0, 6)
    got = rows_of(home, 'SELECT "row", name, id_status, id_number FROM rec_disability ORDER BY "row"')
    assert got == [
        (2, "甲", "corrupted", None), (3, "乙", "corrupted", None), (4, "丙", "corrupted", None),
        (5, "丁", "invalid", None), (6, "戊", "empty", None), (7, "己", "valid", good[1]),
        (8, "庚", "valid", good[2]), (9, "辛", "valid", upgrade_15(id15)), (10, "壬", "invalid", None),
    ]
    flagged = rows_of(home, "SELECT \"row\", kind FROM rejections ORDER BY \"row\"")
    assert flagged == [(2, "flagged"), (3, "flagged"), (4, "flagged"), (5, "flagged"), (6, "flagged"),
                       (10, "flagged")]


def test_bad_values_reject_required_and_drop_optional(home, tmp_path):
    people = ids(3)
    rows = [
        ["甲", people[0], "", "肢体", "五级", "", ""],  # required enum wrong → rejected
        ["乙", people[1], "", "肢体", "二级", "2025-02-30", "12345"],  # optional date and phone wrong → dropped
        ["", people[2], "", "肢体", "二级", "", ""],  # required name empty → rejected
    ]
    path = write_csv(tmp_path / "残疾人.csv", [HEADER, *rows])
    [r] = ingest([path])
    assert (r.rows_taken, r.rows_rejected, r.values_dropped) == (1, 2, 2)
    assert rows_of(home, "SELECT name, issue_date, phone, disability_grade FROM rec_disability") == [
        ("乙", None, None, "二级")]
    assert rows_of(home, 'SELECT "row", "column", value, reason, kind FROM rejections ORDER BY "row", "column"') == [
        (2, "残疾等级", "五级", "“五级”不是可接受的值（可接受：一级、二级、三级、四级）", "rejected"),
        (3, "发证日期", "2025-02-30", "日期不存在：2025-02-30", "dropped"),
        (3, "联系电话", "12345", "不是有效的手机号或带区号的固定电话：12345", "dropped"),
        (4, "姓名", "", "必填项为空", "rejected"),
    ]


def test_identical_rows_are_stored_once_and_reported(home, tmp_path):
    person = ids(1)[0]
    rows = [[1, "甲", person, "肢体", "二级"], [2, "甲", person, "肢体", "二级"], [3, "甲", person, "肢体", "三级"]]
    path = write_csv(tmp_path / "残疾人.csv", [["序号", "姓名", "身份证号", "残疾类别", "残疾等级"], *rows])
    [r] = ingest([path])
    assert (r.rows_taken, r.rows_duplicate) == (2, 1)
    assert rows_of(home, 'SELECT "row", reason, kind FROM rejections') == [
        (3, "与第2行完全相同，只保存一次", "duplicate")
    ]


def test_batches_are_snapshots_and_identical_files_are_a_no_op(home, tmp_path):
    people = ids(3)
    header = ["姓名", "身份证号", "失业登记日期"]
    old = write_csv(
        tmp_path / "失业-9月.csv", [header, ["甲", people[0], "2025-09-01"], ["乙", people[1], "2025-09-02"]]
    )
    new = write_csv(tmp_path / "失业-10月.csv", [header, ["丙", people[2], "2025-10-01"]])
    [a] = ingest([old], as_of=date(2025, 9, 30))
    [again] = ingest([old], as_of=date(2025, 9, 30))
    assert (again.status, again.batch_id, again.rows_taken) == ("unchanged", a.batch_id, 2)
    assert rows_of(home, "SELECT count(*) FROM rec_unemployment") == [(2,)]
    [b] = ingest([new], as_of=date(2025, 10, 31), unit="human_resources")
    assert rows_of(home, "SELECT batch_id FROM current_batches") == [(b.batch_id,)]
    assert rows_of(home, "SELECT name, file_name, sheet, \"row\", record_id FROM cur_unemployment") == [
        ("丙", "失业-10月.csv", "失业-10月", 2, f"{b.batch_id}:失业-10月:2")]
    assert rows_of(home, "SELECT count(*) FROM rec_unemployment") == [(3,)]  # history kept
    assert rows_of(home, "SELECT name, source_type FROM subjects") == [("丙", "unemployment")]
    [(unit, as_of, sha, by)] = rows_of(home, "SELECT unit, as_of, file_sha256, imported_by FROM batches "
                                             "WHERE batch_id = ?", [a.batch_id])
    import hashlib

    assert (unit, as_of, sha, by) == ("human_resources", date(2025, 9, 30),
                                      hashlib.sha256(old.read_bytes()).hexdigest(), "cli")


def test_record_ids_are_unique_without_a_key(home, tmp_path, monkeypatch):
    """rec_<type> has no key on record_id (schema version 2): a record id is batch:sheet:row, and a batch is
    stored once — the batches table's key, checked in the file's own transaction, refuses a second copy."""
    import duckdb

    import jiuzhu.engine.warehouse as wb
    from jiuzhu.engine.api import withdraw_batch

    person = ids(2)
    rows = [["甲", person[0], "肢体", "二级"], ["甲", person[0], "肢体", "二级"], ["乙", person[1], "肢体", "三级"]]
    path = write_csv(tmp_path / "残疾人.csv", [["姓名", "身份证号", "残疾类别", "残疾等级"], *rows])
    [a] = ingest([path])
    withdraw_batch(a.batch_id, reason="test")
    [b] = ingest([path])  # the same file again after its withdrawal: a new batch, new record ids
    assert (a.rows_taken, b.rows_taken, a.batch_id != b.batch_id) == (2, 2, True)
    assert rows_of(home, "SELECT count(*) FROM duckdb_constraints() WHERE starts_with(table_name, 'rec_')") \
        == [(0,)]
    unique = "SELECT count(*), count(DISTINCT record_id) FROM rec_disability"
    assert rows_of(home, unique) == [(4, 4)]

    # Were the no-op check to miss a stored batch, its rows would not be stored twice: the batch's row is not.
    monkeypatch.setattr(wb, "existing_batches", lambda con, ids: set())
    with pytest.raises(duckdb.ConstraintException):
        ingest([path], jobs=1)
    assert rows_of(home, unique) == [(4, 4)]
    assert rows_of(home, "SELECT count(*) FROM rejections") == [(2,)]


def test_cli_ingest_lines_exit_code_and_rejection_exports(home, tmp_path, capsys):
    people = ids(2)
    good = write_csv(tmp_path / "失业.csv", [["姓名", "身份证号", "失业登记日期"], ["甲", people[0], "2025-09-01"],
                                           ["乙", "", "2025-09-02"], ["", people[1], "2025-09-02"]])
    bad = tmp_path / "空.csv"
    bad.write_bytes(b"")
    code = main(["ingest", "--department", "人社局", "--as-of", "2025-09-30", str(good), str(bad)])
    out, err = capsys.readouterr()
    assert code == 1
    [line] = out.splitlines()
    assert (
        line.startswith("失业.csv → 失业登记人员（unemployment） [b")
        and "导入 2 条，拒收 1 行，标记 1 行，重复 0 行" in line
    )
    assert "问题报告：" in line and line.endswith("-rejections.csv")
    assert "错误：空.csv：文件为空（0字节）：空.csv" in err and "Error: 空.csv: the file is empty" in err
    report = line.split("问题报告：")[1]
    assert Path(report).read_bytes().startswith(b"\xef\xbb\xbffile,sheet,row")  # for people: Excel reads UTF-8
    with open(report, encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == [["file", "sheet", "row", "column", "value", "reason"],
                                        ["失业.csv", "失业", "3", "身份证号", "", "身份证号码为空"],
                                        ["失业.csv", "失业", "4", "姓名", "", "必填项为空"]]
    assert report.replace(".csv", ".xlsx").endswith(".xlsx")
    import openpyxl

    ws = openpyxl.load_workbook(report.replace(".csv", ".xlsx")).active
    assert [c.value for c in ws[1]] == ["文件", "工作表", "行号", "列", "值", "原因", "处理"]
    out_file = tmp_path / "rej.csv"
    assert main(["batches", "--rejections", "--out", str(out_file)]) == 0
    assert out_file.read_bytes().startswith(b"file,sheet,row,column,value,reason\r\n")  # the contract: no BOM
    assert len(out_file.read_text(encoding="utf-8").splitlines()) == 3
    excel = tmp_path / "rej-excel.csv"
    assert main(["batches", "--rejections", "--excel", "--out", str(excel)]) == 0
    assert excel.read_bytes() == b"\xef\xbb\xbf" + out_file.read_bytes()
    capsys.readouterr()
    assert main(["batches"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[1].split("\t")[1:10] == ["人社局", "失业登记人员", "2025-09-30", "失业.csv", "2", "1", "1",
                                            "0", "当前"]


def test_cli_rejects_unknown_department(home, tmp_path, capsys):
    path = write_csv(tmp_path / "x.csv", [["姓名", "身份证号", "失业登记日期"], ["甲", ids(1)[0], "2025-09-01"]])
    assert main(["ingest", "--department", "天文台", str(path)]) == 1
    assert "不认识的单位“天文台”" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "code"), [("低保", "dibao"), ("低保对象", "dibao"), ("低保边缘", "dibao_edge"),
                                           ("终本", "enforcement"), ("特困", "tekun"), ("dibao", "dibao"),
                                           ("临时救助", "temp_relief"), ("失业", "unemployment")])
def test_source_accepts_chinese_names(text, code):
    from jiuzhu.engine.sources import source_code

    assert source_code(text) == code


def test_cli_ingest_source_in_chinese(home, tmp_path, capsys):
    path = write_csv(tmp_path / "名单.csv", [["姓名", "身份证号", "失业登记日期"], ["甲", ids(1)[0], "2025-09-01"]])
    assert main(["ingest", "--source", "失业登记人员", "--as-of", "2025-09-30", str(path)]) == 0
    assert capsys.readouterr().out.startswith("名单.csv → 失业登记人员（unemployment） [b")
    with pytest.raises(SystemExit):
        main(["ingest", "--source", "天气", str(path)])
    assert "不认识的数据类型“天气”。可用：刑事被害人(victim)" in capsys.readouterr().err
