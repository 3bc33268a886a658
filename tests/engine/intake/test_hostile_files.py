"""Hostile workbooks, as an attacker sends them: the guards refuse them before any reader inflates them, and
what slips past the guards meets the reading process's memory limit — that file fails with a message, the
importing process lives on and the other files import."""

from __future__ import annotations

from pathlib import Path

from jiuzhu.cli.main import main
from jiuzhu.engine.api import ingest

from .attacks import bomb_xlsx, sparse_xlsx
from .helpers import ids, write_csv


def _tekun(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "特困.csv", [["姓名", "身份证号", "乡镇", "供养方式"], ["甲", ids(1)[0], "均溪镇", "集中"]]
    )


def test_sparse_sheet_refused_by_its_dimension_and_cells(home, tmp_path):
    for dimension in (True, False):  # the <dimension> may be left out: the cells' own references count
        path = sparse_xlsx(tmp_path / f"名单{dimension}.xlsx", dimension=dimension)
        [r] = ingest([path], bounded=True, jobs=1)
        assert r.status == "failed"
        assert r.message_zh.startswith("工作表范围异常：sheet1.xml 跨 1048576 行 × 16384 列（上限 40000000 个单元格）")


def test_deflate_bomb_refused_before_reading(home, tmp_path):
    path = bomb_xlsx(tmp_path / "低保.xlsx", megabytes=300)
    assert path.stat().st_size < 1_200_000
    [r] = ingest([path])  # the guard holds in an unbounded import as well
    assert r.status == "failed"
    assert r.message_zh.startswith("文件解压后异常巨大（xl/worksheets/sheet1.xml 压缩比")
    assert "疑似压缩炸弹" in r.message_zh


def test_past_the_guards_the_memory_limit_fails_that_file_and_the_rest_imports(home, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JIUZHU_MAX_SHEET_CELLS", str(1 << 40))  # the guard off: the reader itself meets the cap
    sparse = sparse_xlsx(tmp_path / "名单.xlsx")
    good = _tekun(tmp_path)
    assert main(["ingest", "--jobs", "1", str(sparse), str(good)]) == 1  # the CLI's import is bounded too
    captured = capsys.readouterr()
    assert "名单.xlsx：读取文件时超出内存上限（3072 MB）或读取程序异常退出" in captured.err
    assert "特困.csv → 特困供养人员（tekun）" in captured.out and "导入 1 条" in captured.out


def test_a_file_over_the_time_limit_fails_with_the_time_message(home, tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_PARSE_SECONDS", "1")
    monkeypatch.setenv("JIUZHU_MAX_UNZIPPED_MB", "100000")
    monkeypatch.setenv("JIUZHU_MAX_ZIP_RATIO", "100000")
    bomb = bomb_xlsx(tmp_path / "低保.xlsx", megabytes=300)  # seconds of inflating and reading
    [r] = ingest([bomb], bounded=True, jobs=1)
    assert (r.status, r.message_zh) == ("failed", "读取文件超过时间上限（1 秒），未导入任何数据：低保.xlsx")
