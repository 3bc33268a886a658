"""Checks on a spreadsheet before any reader opens it (docs/intake.md "Limits").

A few KB of .xlsx can claim cells at A1 and XFD1048576 (a reader then tries to allocate a dense range of
17 billion cells) or inflate to gigabytes (a zip/deflate bomb). So before reading, the zip container is
inspected: the declared sizes and compression ratios of its members, then the worksheets themselves are
inflated as a stream (counting the real bytes, holding only a small window) to find the ``<dimension>``
and the rows and columns the cells really use. A file outside the limits fails with a plain message;
whatever slips past these checks still meets the reading process's memory and time limits (``limits``).
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

MB = 1 << 20
_WINDOW = 1 << 16  # bytes inflated at a time
_TAIL = 64  # bytes kept between windows, so a tag cut in two is still seen
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s+r="([A-Z]{1,4})(\d{1,8})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\s+r="(\d{1,8})"')


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class WorkbookLimits:
    unzipped_bytes: int  # all members inflated together
    ratio: int  # inflated / compressed, for any member over 1 MB inflated
    cells: int  # rows × columns a sheet spans (a reader makes a dense range of it)

    @classmethod
    def from_env(cls) -> WorkbookLimits:
        return cls(unzipped_bytes=env_int("JIUZHU_MAX_UNZIPPED_MB", 1024) * MB,
                   ratio=env_int("JIUZHU_MAX_ZIP_RATIO", 200),
                   cells=env_int("JIUZHU_MAX_SHEET_CELLS", 40_000_000))


class WorkbookRefused(Exception):  # noqa: N818 — a user-facing condition
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _bomb(name: str, detail_zh: str, detail_en: str) -> WorkbookRefused:
    return WorkbookRefused(
        f"文件解压后异常巨大（{detail_zh}），疑似压缩炸弹，拒绝读取：{name}",
        f"the file inflates to an absurd size ({detail_en}), a likely zip bomb; not read: {name}",
    )


def check_workbook(path: Path, limits: WorkbookLimits | None = None) -> None:
    """Raise ``WorkbookRefused`` when the zip-based workbook at ``path`` is a bomb or spans absurd sheets.
    Not a zip (an .xls, a CSV): nothing to check here."""
    limits = limits or WorkbookLimits.from_env()
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > limits.unzipped_bytes:
                raise _bomb(
                    path.name,
                    f"共{declared // MB} MB，上限{limits.unzipped_bytes // MB} MB",
                    f"{declared // MB} MB, limit {limits.unzipped_bytes // MB} MB",
                )
            for i in infos:
                if i.file_size > MB and i.file_size > limits.ratio * max(1, i.compress_size):
                    raise _bomb(
                        path.name,
                        f"{i.filename} 压缩比 {i.file_size // max(1, i.compress_size)}:1",
                        f"{i.filename} ratio {i.file_size // max(1, i.compress_size)}:1",
                    )
            budget = limits.unzipped_bytes
            for i in infos:
                if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                    budget = _check_sheet(z, i, path.name, limits, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return  # damaged: the reader says so in its own words
    except RuntimeError:  # an encrypted member
        return


def _check_sheet(
    z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: WorkbookLimits, budget: int
) -> int:
    """Inflate one worksheet as a stream; refuse it when it spans too many cells or inflates past the budget
    left. Returns the budget left."""
    rows = [1 << 30, 0]
    cols = [1 << 30, 0]
    dimension: tuple[int, int, int, int] | None = None
    tail = b""
    with z.open(info) as fh:
        while True:
            block = fh.read(_WINDOW)
            if not block:
                break
            budget -= len(block)
            if budget < 0:
                raise _bomb(
                    name,
                    f"解压超过{limits.unzipped_bytes // MB} MB",
                    f"over {limits.unzipped_bytes // MB} MB",
                )
            text = tail + block
            if dimension is None:
                m = _DIMENSION.search(text)
                if m:
                    c1, r1 = column_number(m.group(1)), int(m.group(2))
                    c2, r2 = (column_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
                    dimension = (r1, c1, r2, c2)
            for m in _CELL_REF.finditer(text):
                c, r = column_number(m.group(1)), int(m.group(2))
                cols[0], cols[1] = min(cols[0], c), max(cols[1], c)
                rows[0], rows[1] = min(rows[0], r), max(rows[1], r)
            for m in _ROW_REF.finditer(text):
                r = int(m.group(1))
                rows[0], rows[1] = min(rows[0], r), max(rows[1], r)
            tail = text[-_TAIL:]
    spans = []
    if dimension:
        spans.append((dimension[2] - dimension[0] + 1, dimension[3] - dimension[1] + 1))
    if rows[1] and cols[1]:
        spans.append((rows[1] - rows[0] + 1, cols[1] - cols[0] + 1))
    for n_rows, n_cols in spans:
        if n_rows * n_cols > limits.cells:
            sheet = info.filename.rsplit("/", 1)[-1]
            raise WorkbookRefused(
                f"工作表范围异常：{sheet} 跨 {n_rows} 行 × {n_cols} 列（上限 {limits.cells} 个单元格），"
                f"可能有单元格填在极远处，拒绝读取；请删除多余的行列或另存为CSV：{name}",
                f"a worksheet spans {n_rows} rows × {n_cols} columns (limit {limits.cells} cells), "
                f"likely a cell far away; not read: {name}",
            )
    return budget
