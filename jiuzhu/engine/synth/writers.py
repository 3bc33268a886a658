"""Sheet writers: xlsx (openpyxl), xls (xlwt) and streamed CSV, each knowing the row number
a spreadsheet shows for every row it writes (title rows counted; for CSV, records counted)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jiuzhu.engine.synth.cells import DateCell, Num


@dataclass
class Frame:
    """What surrounds the data: title rows, header rows (one or two), sheets around it."""

    title_rows: list[list[object]] = field(default_factory=list)
    header_top: list[object] | None = None  # upper row of a two-row header (group labels)
    merges_top: list[tuple[int, int]] = field(default_factory=list)  # (first col, last col) spans in top row
    vertical: list[int] = field(default_factory=list)  # columns whose header spans both rows
    header: list[object] = field(default_factory=list)
    sheet_name: str = "Sheet1"
    instructions: list[str] | None = None  # a 填表说明 sheet before the data
    hidden_lists: list[list[str]] | None = None  # a hidden drop-down list sheet
    title_merge: bool = True


class SheetWriter:
    rows_before_data: int

    def add(self, cells: list[object]) -> int:
        raise NotImplementedError

    def close(self, tail: list[list[object]]) -> None:
        raise NotImplementedError


class CsvWriter(SheetWriter):
    def __init__(self, path: Path, frame: Frame, encoding: str, delimiter: str) -> None:
        self.path = path
        self.encoding = encoding
        newline_bytes = "\r\n"
        self._fh = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115
        self._csv = csv.writer(self._fh, delimiter=delimiter, lineterminator=newline_bytes)
        self.rows = 0
        for r in frame.title_rows:
            self._csv.writerow([_text(c) for c in r])
            self.rows += 1
        self._csv.writerow([_text(c) for c in frame.header])
        self.rows += 1
        self.rows_before_data = self.rows

    def add(self, cells: list[object]) -> int:
        self._csv.writerow([_text(c) for c in cells])
        self.rows += 1
        return self.rows

    def add_many(self, rows: list[list[str]]) -> int:
        """Plain text rows (the fast path); returns the row number of the first one."""
        first = self.rows + 1
        self._csv.writerows(rows)
        self.rows += len(rows)
        return first

    def close(self, tail: list[list[object]]) -> None:
        for r in tail:
            self.add(r)
        self._fh.close()


def _text(c: object) -> str:
    if c is None:
        return ""
    return str(c)


class _Buffered(SheetWriter):
    def __init__(self, path: Path, frame: Frame) -> None:
        self.path = path
        self.frame = frame
        self.data: list[list[object]] = []
        self.rows_before_data = len(frame.title_rows) + (2 if frame.header_top is not None else 1)

    def add(self, cells: list[object]) -> int:
        self.data.append(cells)
        return self.rows_before_data + len(self.data)


class XlsxWriter(_Buffered):
    def close(self, tail: list[list[object]]) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        f = self.frame
        wb = Workbook()
        first = wb.active
        if f.instructions:
            first.title = "填表说明"
            for line in f.instructions:
                first.append([line])
            ws = wb.create_sheet(f.sheet_name)
        else:
            ws = first
            ws.title = f.sheet_name
        width = len(f.header)
        for k, r in enumerate(f.title_rows, start=1):
            ws.append([_xl(c) for c in r])
            if f.title_merge and r and r[0]:
                ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=max(1, width))
                ws.cell(k, 1).alignment = Alignment(horizontal="center")
                ws.cell(k, 1).font = Font(bold=True, size=14)
        if f.header_top is not None:
            top = len(f.title_rows) + 1
            ws.append(list(f.header_top))
            ws.append([None if i in f.vertical else h for i, h in enumerate(f.header)])
            for a, b in f.merges_top:
                ws.merge_cells(start_row=top, start_column=a + 1, end_row=top, end_column=b + 1)
            for i in f.vertical:
                ws.merge_cells(start_row=top, start_column=i + 1, end_row=top + 1, end_column=i + 1)
        else:
            ws.append(list(f.header))
        date_cols: set[int] = set()
        for row in self.data:
            out = []
            for i, c in enumerate(row):
                if isinstance(c, DateCell):
                    date_cols.add(i)
                out.append(_xl(c))
            ws.append(out)
        for r in tail:
            ws.append([_xl(c) for c in r])
        for i in date_cols:
            col = get_column_letter(i + 1)
            for cell in ws[col][self.rows_before_data:]:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        if f.hidden_lists:
            hs = wb.create_sheet("下拉选项")
            for r in f.hidden_lists:
                hs.append(r)
            hs.sheet_state = "hidden"
        wb.save(self.path)


def _xl(c: object) -> object:
    if isinstance(c, Num):
        return c.value
    if isinstance(c, DateCell):
        return c.value
    return c


class XlsWriter(_Buffered):
    def close(self, tail: list[list[object]]) -> None:
        import xlwt

        f = self.frame
        wb = xlwt.Workbook(encoding="utf-8")
        ws = wb.add_sheet(f.sheet_name)
        date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
        r = 0
        for row in f.title_rows:
            if f.title_merge and row and row[0]:
                ws.write_merge(r, r, 0, max(0, len(f.header) - 1), row[0])
            else:
                for i, c in enumerate(row):
                    ws.write(r, i, _xl(c))
            r += 1
        for i, h in enumerate(f.header):
            ws.write(r, i, h)
        r += 1
        for row in self.data + tail:
            for i, c in enumerate(row):
                v = _xl(c)
                if v is None or v == "":
                    continue
                if isinstance(v, date):
                    ws.write(r, i, v, date_style)
                else:
                    ws.write(r, i, v)
            r += 1
        buf = io.BytesIO()
        wb.save(buf)
        self.path.write_bytes(buf.getvalue())


def open_writer(path: Path, fmt: str, frame: Frame) -> SheetWriter:
    if fmt == "xlsx":
        return XlsxWriter(path, frame)
    if fmt == "xls":
        return XlsWriter(path, frame)
    encoding = {"csv-gb18030": "gb18030", "csv-utf8-bom": "utf-8-sig", "csv-utf8": "utf-8"}[fmt]
    delimiter = "\t" if fmt == "csv-utf8" else ","
    return CsvWriter(path, frame, encoding, delimiter)
