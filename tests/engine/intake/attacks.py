"""Hostile workbooks, built in the test as an attacker would: a sparse sheet and a deflate bomb."""

from __future__ import annotations

import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                  'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                  'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               'spreadsheetml/2006/main">{dimension}<sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _workbook(path: Path, write_sheet) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            write_sheet(sheet)
    return path


def sparse_xlsx(path: Path, *, dimension: bool = True) -> Path:
    """A few KB: cells at A1 and XFD1048576 (and, by default, a <dimension> saying so)."""
    def write(sheet) -> None:
        dim = '<dimension ref="A1:XFD1048576"/>' if dimension else ""
        sheet.write((_SHEET_HEAD.format(dimension=dim)
                     + f'<row r="1">{_cell("A1", "姓名")}{_cell("B1", "身份证号")}</row>'
                     + f'<row r="1048576">{_cell("XFD1048576", "x")}</row>' + _SHEET_TAIL).encode())
    return _workbook(path, write)


def bomb_xlsx(path: Path, *, megabytes: int = 400) -> Path:
    """Under a MB on disk, ``megabytes`` of sheet XML inflated: one header row, then the same row for ever."""
    def write(sheet) -> None:
        sheet.write(
            (
                _SHEET_HEAD.format(dimension="")
                + f'<row r="1">{_cell("A1", "姓名")}{_cell("B1", "身份证号")}{_cell("C1", "乡镇")}</row>'
            ).encode()
        )
        block = (f"<row>{_cell('A2', 'x' * 20)}</row>" * 2000).encode()
        for _ in range(megabytes * (1 << 20) // len(block)):
            sheet.write(block)
        sheet.write(_SHEET_TAIL.encode())
    return _workbook(path, write)
