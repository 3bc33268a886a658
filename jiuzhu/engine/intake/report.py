"""Rejection reports of a batch: .csv (``file,sheet,row,column,value,reason``) and .xlsx (Chinese headers)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from jiuzhu.engine.cells import safe_row

CSV_HEADER = ("file", "sheet", "row", "column", "value", "reason")
XLSX_HEADER = ("文件", "工作表", "行号", "列", "值", "原因", "处理")
KIND_ZH = {
    "rejected": "未导入",
    "flagged": "已导入，无可用身份证号",
    "dropped": "已导入，该值未采用",
    "duplicate": "重复行，只保存一次",
}


def write_csv(path: Path, rows: Iterable[tuple], *, for_people: bool = False) -> None:
    """``rows`` as ``(file, sheet, row, column, value, reason, kind)``; kind is not a CSV column.
    The machine contract (`batches --rejections`) is plain UTF-8 with the cells as they were; a report
    `for_people` starts with a UTF-8 BOM (so Chinese Excel opens it as UTF-8, not GBK) and its cells
    cannot turn into formulas. The header is the same in both."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if for_people else "utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_HEADER)
        for r in rows:
            w.writerow(safe_row(r[:6]) if for_people else r[:6])


def write_xlsx(path: Path, rows: Iterable[tuple]) -> None:
    """``rows`` as for ``write_csv``, with Chinese headers and the kind said in words (处理)."""
    # here, not at the top: openpyxl is slow to load, and most processes that read intake write no report
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题行")
    ws.append(XLSX_HEADER)
    for r in rows:
        ws.append([*safe_row(r[:6]), KIND_ZH.get(r[6], r[6])])
    wb.save(path)
