"""Clue export, exactly as rules.md "Export contract" says: CSV with English headers, XLSX with Chinese."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from jiuzhu.app.clues.models import OPEN_STATES, Clue
from jiuzhu.engine.cells import safe_row

HEADER = ("clue_id", "rule", "person_name", "person_id_number", "priority", "tags", "target_unit", "reason",
          "records")
HEADER_ZH = ("线索编号", "规则", "姓名", "身份证号", "优先级", "标签", "承办单位", "线索理由", "证据记录")


def clues_to_export(include_all: bool = False):  # -> QuerySet[Clue]
    qs = Clue.objects.all() if include_all else Clue.objects.filter(state__in=OPEN_STATES)
    return qs.order_by("-priority", "id")


def row(clue: Clue) -> list[str | int]:
    records = ";".join(f"{r['source_type']}:{r['file']}:{r['row']}" for r in clue.records)
    return [clue.pk, clue.rule, clue.person_name, clue.person_id_number, clue.priority, ";".join(clue.tags),
            clue.target_unit, clue.reason, records]


def rows(include_all: bool = False) -> Iterator[list[str | int]]:
    for clue in clues_to_export(include_all).iterator():
        yield row(clue)


def write_csv(path: Path, include_all: bool = False) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for r in rows(include_all):
            out.writerow(safe_row(r))
            n += 1
    return n


def write_xlsx(path: Path, include_all: bool = False) -> int:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "线索"
    ws.append(HEADER_ZH)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 0
    for r in rows(include_all):
        # ID numbers as text: a number cell would lose the last digits.
        ws.append(safe_row(str(v) if i == 3 else v for i, v in enumerate(r)))
        n += 1
    for col, width in zip("ABCDEFGHI", (10, 8, 10, 20, 8, 16, 16, 70, 60), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    wb.save(path)
    return n
