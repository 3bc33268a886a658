"""sources.md §1 "formats" and "cells": xlsx, xls, CSV encodings and delimiters, formulas, long cells."""

from __future__ import annotations

import xlwt

from jiuzhu.engine.api import ingest

from .helpers import ids, rows_of, set_cached_value, write_csv, write_xlsx

HEADER = ["序号", "姓名", "身份证号", "救助日期", "救助金额（元）", "救助事由", "乡镇"]


def _relief_rows(n: int = 3) -> list[list]:
    people = ids(n)
    return [[i + 1, f"张{'一二三四五六七八九十'[i]}", people[i], "2025-10-01", "1,500.00", "因病", "均溪镇"]
            for i in range(n)]


def _names(home) -> list[tuple]:
    return rows_of(home, 'SELECT "row", name, relief_amount, relief_date::VARCHAR FROM rec_temp_relief ORDER BY "row"')


def test_xlsx_with_title_row(home, tmp_path):
    path = write_xlsx(
        tmp_path / "临时救助.xlsx", {"10月": [["大田县2025年10月临时救助对象名单"], HEADER, *_relief_rows()]}
    )
    [r] = ingest([path])
    assert (r.status, r.source_type, r.unit, r.rows_taken, r.rows_rejected) == ("imported", "temp_relief",
                                                                                "civil_affairs", 3, 0)
    assert _names(home) == [(3, "张一", 150000, "2025-10-01"), (4, "张二", 150000, "2025-10-01"),
                            (5, "张三", 150000, "2025-10-01")]


def test_xls_written_by_xlwt(home, tmp_path):
    path = tmp_path / "临时救助.xls"
    book = xlwt.Workbook()
    sheet = book.add_sheet("名单")
    for r, row in enumerate([HEADER, *_relief_rows(2)]):
        for c, v in enumerate(row):
            sheet.write(r, c, v)
    book.save(str(path))
    [r] = ingest([path])
    assert (r.status, r.rows_taken) == ("imported", 2)
    assert _names(home) == [(2, "张一", 150000, "2025-10-01"), (3, "张二", 150000, "2025-10-01")]


def test_csv_gb18030_is_detected(home, tmp_path):
    path = write_csv(tmp_path / "救助.csv", [["临时救助名单"], HEADER, *_relief_rows(2)], encoding="gb18030")
    [r] = ingest([path])
    assert r.status == "imported"
    assert _names(home) == [(3, "张一", 150000, "2025-10-01"), (4, "张二", 150000, "2025-10-01")]


def test_csv_utf16_with_bom_and_tabs(home, tmp_path):
    path = write_csv(tmp_path / "救助.csv", [HEADER, *_relief_rows(2)], encoding="utf-16", delimiter="\t")
    [r] = ingest([path])
    assert r.status == "imported"
    assert _names(home) == [(2, "张一", 150000, "2025-10-01"), (3, "张二", 150000, "2025-10-01")]


def test_csv_utf8_bom_with_semicolons(home, tmp_path):
    path = write_csv(tmp_path / "救助.csv", [HEADER, *_relief_rows(2)], encoding="utf-8-sig", delimiter=";")
    [r] = ingest([path])
    assert _names(home) == [(2, "张一", 150000, "2025-10-01"), (3, "张二", 150000, "2025-10-01")]


def test_csv_quoted_line_break_does_not_start_a_row(home, tmp_path):
    rows = _relief_rows(3)
    rows[0][5] = "因病\n住院"
    path = write_csv(tmp_path / "救助.csv", [HEADER, *rows])
    ingest([path])
    assert rows_of(home, 'SELECT "row", relief_reason FROM rec_temp_relief ORDER BY "row"') == [
        (2, "因病\n住院"), (3, "因病"), (4, "因病")]


def test_csv_in_an_unknown_encoding_fails_loudly(home, tmp_path):
    path = tmp_path / "乱码.csv"
    path.write_bytes("姓名,身份证号\n".encode() + b"\xff\xfe\xfa\x80\x81,1\n")
    [r] = ingest([path])
    assert r.status == "failed"
    assert r.message_zh == "无法识别文件编码（支持UTF-8、GB18030/GBK、带BOM的UTF-16）"


def test_formula_cells_saved_value_or_empty_and_reported(home, tmp_path):
    rows = _relief_rows(2)
    rows[0][4] = "=1000+500"  # will get a saved value
    rows[1][4] = "=1000+600"  # never calculated: no saved value
    rows[1][5] = "=A1"  # optional column, no saved value
    path = write_xlsx(tmp_path / "公式.xlsx", {"名单": [HEADER, *rows]})
    set_cached_value(path, "E2", "1500")
    [r] = ingest([path])
    assert (r.rows_taken, r.rows_rejected) == (1, 1)
    assert _names(home) == [(2, "张一", 150000, "2025-10-01")]
    assert rows_of(home, 'SELECT "row", "column", reason, kind FROM rejections ORDER BY "column"') == [
        (3, "救助事由", "公式单元格没有保存的计算结果，按空值处理", "dropped"),
        (3, "救助金额（元）", "公式单元格没有保存的计算结果，按空值处理", "rejected"),
    ]


def test_a_one_megabyte_cell_is_a_bad_value(home, tmp_path):
    rows = _relief_rows(3)
    rows[0][5] = "很" * 1_000_000  # optional column: dropped, the row stays
    rows[1][1] = "名" * 1_000_000  # required column: the row is rejected
    path = write_csv(tmp_path / "长.csv", [HEADER, *rows])
    [r] = ingest([path])
    assert (r.rows_taken, r.rows_rejected) == (2, 1)
    assert rows_of(home, 'SELECT "row", relief_reason FROM rec_temp_relief ORDER BY "row"') == [(2, None), (4, "因病")]
    problems = rows_of(home, 'SELECT "row", "column", length(value), reason, kind FROM rejections ORDER BY "row"')
    assert problems == [
        (2, "救助事由", 212, "单元格内容超过10000字（1000000字）", "dropped"),
        (3, "姓名", 212, "单元格内容超过10000字（1000000字）", "rejected"),
    ]


def test_fifty_columns_with_the_wanted_ones_at_the_end(home, tmp_path):
    other = [f"备用字段{i}" for i in range(44)]
    header = other + HEADER[1:]
    people = ids(2)
    data = [[f"x{i}" for i in range(44)] + ["李四", people[0], "2025/10/1", 800, "因灾", "石牌镇"],
            [""] * 44 + ["王五", people[1], "2025.10.02", "八百", "", "石牌镇"]]
    path = write_xlsx(tmp_path / "宽表.xlsx", {"Sheet1": [header, *data]})
    [r] = ingest([path])
    assert (r.status, r.source_type, r.rows_taken, r.rows_rejected) == ("imported", "temp_relief", 1, 1)
    [(name, extra)] = rows_of(home, "SELECT name, extra FROM rec_temp_relief")
    assert name == "李四"
    assert extra.startswith('{"备用字段0": "x0", "备用字段1": "x1"') and extra.count("备用字段") == 44
    assert rows_of(home, 'SELECT "row", "column", value, reason FROM rejections') == [
        (3, "救助金额（元）", "八百", "无法识别的金额：八百")]


def test_a_suffix_that_lies(home, tmp_path):
    real_xlsx = write_xlsx(tmp_path / "a.xlsx", {"名单": [HEADER, *_relief_rows(1)]})
    as_xls = tmp_path / "其实是xlsx.xls"
    as_xls.write_bytes(real_xlsx.read_bytes())
    text_xls = write_csv(tmp_path / "其实是文本.xls", [HEADER, *_relief_rows(2)], delimiter="\t")
    results = ingest([as_xls, text_xls])
    assert [(r.file_name, r.status, r.rows_taken) for r in results] == [("其实是xlsx.xls", "imported", 1),
                                                                        ("其实是文本.xls", "imported", 2)]


def test_cells_without_a_header_are_kept_under_their_column_letter(home, tmp_path):
    rows = _relief_rows(1)
    rows[0] += ["", "电话已停机"]  # typed to the right of the table, no header
    path = write_csv(tmp_path / "救助.csv", [HEADER, *rows])
    ingest([path])
    assert rows_of(home, "SELECT extra FROM rec_temp_relief") == [('{"I列": "电话已停机"}',)]
