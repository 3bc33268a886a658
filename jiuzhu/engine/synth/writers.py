"""Sheet writers: xlsx (openpyxl), xls (xlwt) and streamed CSV, each knowing the row number
a spreadsheet shows for every row it writes (title rows counted; for CSV, records counted)."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import xlwt

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
    def __init__(self, path: Path, frame: Frame | None, encoding: str, delimiter: str) -> None:
        """``frame`` None: a part file of data rows only (province scale, one per chunk)."""
        self.path = path
        self.encoding = encoding
        newline_bytes = "\r\n"
        self._fh = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115
        self._csv = csv.writer(self._fh, delimiter=delimiter, lineterminator=newline_bytes)
        self.rows = 0
        self.rows_before_data = 0
        if frame is None:
            return
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

    def add_columns(self, columns: list[list[str]]) -> int:
        """Columns of text (the fastest path); returns the row number of the first row."""
        first = self.rows + 1
        write_columns(self._fh, self._csv, columns, self._csv.dialect.delimiter, "\r\n")
        self.rows += len(columns[0]) if columns else 0
        return first

    def append_part(self, part: Path, rows: int) -> None:
        """Append a part file's bytes (same encoding, no BOM) and count its rows."""
        self._fh.flush()
        with open(part, "rb") as src:
            shutil.copyfileobj(src, self._fh.buffer, 16 * 1024 * 1024)
        self.rows += rows

    def close(self, tail: list[list[object]]) -> None:
        for r in tail:
            self.add(r)
        self._fh.close()


def write_columns(fh: object, writer: object, columns: list[list[str]], delimiter: str, newline: str) -> None:
    """Join columns into lines without the csv module when no cell needs quoting (checked),
    else fall back to the csv writer."""
    if not columns or not columns[0]:
        return
    n, k = len(columns[0]), len(columns)
    text = newline.join(map(delimiter.join, zip(*columns, strict=True))) + newline
    if text.count(delimiter) == n * (k - 1) and '"' not in text and text.count("\n") == n and "\r" not in \
            text.replace("\r\n", ""):
        fh.write(text)  # type: ignore[attr-defined]
    else:
        writer.writerows(zip(*columns, strict=True))  # type: ignore[attr-defined]


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
    """A small OOXML writer (inline strings): openpyxl is too slow for a county's files."""

    def close(self, tail: list[list[object]]) -> None:
        f = self.frame
        width = max(1, len(f.header))
        sheets: list[tuple[str, str, bool]] = []  # (name, xml, hidden)
        if f.instructions:
            sheets.append(("填表说明", _sheet_xml([[line] for line in f.instructions], []), False))
        merges: list[str] = []
        rows: list[list[object]] = []
        styles: dict[tuple[int, int], int] = {}
        for k, r in enumerate(f.title_rows):
            rows.append(list(r))
            if f.title_merge and r and r[0]:
                merges.append(f"A{k + 1}:{_col(width - 1)}{k + 1}")
                styles[(k, 0)] = 2
        if f.header_top is not None:
            top = len(rows)
            rows.append(list(f.header_top))
            rows.append([None if i in f.vertical else h for i, h in enumerate(f.header)])
            merges += [f"{_col(a)}{top + 1}:{_col(b)}{top + 1}" for a, b in f.merges_top]
            merges += [f"{_col(i)}{top + 1}:{_col(i)}{top + 2}" for i in f.vertical]
        else:
            rows.append(list(f.header))
        rows += self.data
        rows += tail
        sheets.append((f.sheet_name, _sheet_xml(rows, merges, styles), False))
        if f.hidden_lists:
            sheets.append(("下拉选项", _sheet_xml(f.hidden_lists, []), True))
        _write_book(self.path, sheets)


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="宋体"/></font>'
    '<font><b/><sz val="14"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_COLS = [chr(65 + i) for i in range(26)] + [chr(65 + i) + chr(65 + j) for i in range(26) for j in range(26)]
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _col(i: int) -> str:
    return _COLS[i]


def _cell(ref: str, c: object, style: int = 0) -> str:
    if c is None or c == "":
        return ""
    s = f' s="{style}"' if style else ""
    if isinstance(c, Num):
        return f'<c r="{ref}"{s}><v>{c.value!r}</v></c>'
    if isinstance(c, DateCell | date):
        d = c.value if isinstance(c, DateCell) else c
        return f'<c r="{ref}" s="1"><v>{(d - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(c, bool):
        return f'<c r="{ref}" t="inlineStr"{s}><is><t>{c}</t></is></c>'
    if isinstance(c, int | float):
        return f'<c r="{ref}"{s}><v>{c!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{str(c).translate(_ESCAPE)}</t></is></c>'


def _sheet_xml(rows: list[list[object]], merges: list[str], styles: dict[tuple[int, int], int] | None = None) -> str:
    styles = styles or {}
    out = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS}" xmlns:r="{_RNS}"><sheetData>'
    ]
    for r, row in enumerate(rows):
        n = r + 1
        cells = "".join(_cell(f"{_COLS[i]}{n}", c, styles.get((r, i), 0)) for i, c in enumerate(row))
        out.append(f'<row r="{n}">{cells}</row>')
    out.append("</sheetData>")
    if merges:
        out.append(f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
                   + "</mergeCells>")
    out.append("</worksheet>")
    return "".join(out)


def _write_book(path: Path, sheets: list[tuple[str, str, bool]]) -> None:
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/styles.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(len(sheets)))
          + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_NS}" xmlns:r="{_RNS}">'
            "<bookViews><workbookView/></bookViews><sheets>"
            + "".join(f'<sheet name="{name.translate(_ESCAPE)}" sheetId="{i + 1}" r:id="rId{i + 1}"'
                      + (' state="hidden"' if hidden else "") + "/>"
                      for i, (name, _, hidden) in enumerate(sheets))
            + "</sheets></workbook>")
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i + 1}" Type="{_RNS}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(sheets))
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_RNS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        # fixed timestamps keep the bytes identical for a seed
        def put(name: str, text: str) -> None:
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text.encode("utf-8"),
                       compress_type=zipfile.ZIP_DEFLATED)
        put("[Content_Types].xml", ct)
        put("_rels/.rels", rels)
        put("xl/workbook.xml", book)
        put("xl/_rels/workbook.xml.rels", book_rels)
        put("xl/styles.xml", _STYLES)
        for i, (_, xml, _) in enumerate(sheets):
            put(f"xl/worksheets/sheet{i + 1}.xml", xml)


_EXCEL_EPOCH = date(1899, 12, 30)


def _xl(c: object) -> object:
    if isinstance(c, Num):
        return c.value
    if isinstance(c, DateCell):
        return c.value
    return c


class XlsWriter(_Buffered):
    def close(self, tail: list[list[object]]) -> None:
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


def open_writer(path: Path, fmt: str, frame: Frame, part: Path | None = None) -> SheetWriter:
    if fmt == "xlsx":
        return XlsxWriter(path, frame)
    if fmt == "xls":
        return XlsWriter(path, frame)
    encoding = {"csv-gb18030": "gb18030", "csv-utf8-bom": "utf-8-sig", "csv-utf8": "utf-8", "csv-utf16": "utf-16"}[fmt]
    delimiter = "\t" if fmt == "csv-utf8" else ","
    if part is not None:  # data rows only; the BOM belongs to the final file alone
        return CsvWriter(part, None, {"utf-8-sig": "utf-8", "utf-16": "utf-16-le"}.get(encoding, encoding), delimiter)
    return CsvWriter(path, frame, encoding, delimiter)
