"""The 季度通报 as .xlsx: one sheet per table, Chinese headers, amounts in 元 as numbers."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jiuzhu.app.reports import tables, wording
from jiuzhu.app.reports.figures import QuarterlyFigures
from jiuzhu.app.reports.tables import Money
from jiuzhu.engine.cells import safe_cell, safe_row

YUAN_FORMAT = "#,##0.00"


def render(fig: QuarterlyFigures) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = wording.document_title(fig)
    wb.properties.creator = fig.organisation
    for table in tables.all_tables(fig):
        sheet = wb.create_sheet(table.title.replace("（", "(").replace("）", ")")[:31])
        sheet.append(safe_row(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_value(v) for v in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, Money):
                    cell.number_format = YUAN_FORMAT
        # Amounts are in 元 here (the 通报 shows 万元).
        if any(isinstance(v, Money) for row in table.rows for v in row):
            sheet.cell(row=sheet.max_row + 2, column=1, value="金额单位：元")
        sheet.freeze_panes = "B2"
        for i, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(12, 2 * len(header) + 4)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _value(value):
    if isinstance(value, Money):
        return value.fen / 100  # 元; exact to the 分 for any amount a county grants
    return safe_cell(value)
