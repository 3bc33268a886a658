"""Read .xlsx, .xls and .csv into sheets of rows, each row with its spreadsheet row number.

A sheet's rows come as ``(row_number, cells)``: ``row_number`` as a spreadsheet shows it (1-based,
title and blank rows counted); cells are Python values (str, float, date, datetime, bool) with
``""`` for an empty cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from jiuzhu.engine.intake.guards import WorkbookRefused, check_workbook

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
SUFFIXES = SPREADSHEETS | CSV_SUFFIXES
_SAMPLE = 1 << 20

csv.field_size_limit(min(sys.maxsize, 1 << 30))  # a 1 MB cell must read (and be rejected)


class UnreadableFile(Exception):  # noqa: N818 — a user-facing condition, not a programming error
    """The file cannot be read at all; ``zh``/``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en


@dataclass
class Sheet:
    name: str
    rows: Iterator[tuple[int, list]]
    skipped: str | None = None  # Chinese reason when the sheet is not to be read
    blank_formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, col) of formulas with no value
    column_offset: int = 0  # index of the first column read (calamine drops leading empty columns)
    note: str = ""  # e.g. the detected CSV encoding, for messages
    text_only: bool = False  # every cell is a str (CSV): a row is its own text


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the file (hidden and chart sheets come back with ``skipped`` set)."""
    if not path.exists():
        raise UnreadableFile(f"文件不存在：{path.name}", f"file not found: {path.name}")
    if path.stat().st_size == 0:
        raise UnreadableFile(f"文件为空（0字节）：{path.name}", f"the file is empty (0 bytes): {path.name}")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [read_csv(path)]
    if suffix in SPREADSHEETS:
        with path.open("rb") as fh:
            magic = fh.read(8)
        if not magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            # Many systems export tab- or comma-separated text under an .xls name.
            return [read_csv(path)]
        return _read_workbook(path)
    raise UnreadableFile(f"不支持的文件类型：{path.name}（支持 .xlsx .xls .csv）",
                         f"unsupported file type: {path.name} (use .xlsx, .xls or .csv)")


# ---------------------------------------------------------------- spreadsheets

def _read_workbook(path: Path) -> list[Sheet]:
    try:
        check_workbook(path)  # before any reader inflates it
    except WorkbookRefused as err:
        raise UnreadableFile(err.zh, err.en) from None
    try:
        try:
            book = calamine.CalamineWorkbook.from_path(str(path))
        except Exception:  # the suffix may lie (an .xlsx saved as .xls): let calamine sniff the content
            with path.open("rb") as fh:
                book = calamine.CalamineWorkbook.from_filelike(fh)
        metadata = book.sheets_metadata
    except Exception as err:  # calamine raises several error types for damaged files
        raise UnreadableFile(
            f"无法打开电子表格，文件可能已损坏：{path.name}",
            f"cannot open the spreadsheet, the file may be damaged: {path.name} ({type(err).__name__})",
        ) from None
    blanks = _formula_cells_without_value(path) if zipfile.is_zipfile(path) else {}
    sheets = []
    for meta in metadata:
        if meta.visible != calamine.SheetVisibleEnum.Visible:
            sheets.append(Sheet(meta.name, iter(()), skipped="隐藏工作表"))
            continue
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            sheets.append(Sheet(meta.name, iter(()), skipped="不是数据工作表（图表等）"))
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
        except Exception:
            sheets.append(Sheet(meta.name, iter(()), skipped="工作表无法读取"))
            continue
        offset = sheet.start[1] if sheet.start else 0
        rows = ((i, list(r)) for i, r in enumerate(sheet.iter_rows(), start=1))
        sheets.append(
            Sheet(meta.name, rows, blank_formulas=blanks.get(meta.name, set()), column_offset=offset)
        )
    return sheets


_HAS_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")  # openpyxl writes an empty <v></v> for an uncalculated formula
_CELL = re.compile(rb"<c r=\"([A-Z]+)(\d+)\"[^>]*?(?:/>|>(.*?)</c>)", re.S)


def _formula_cells_without_value(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Formula cells that carry no saved value (the file was never recalculated), per sheet.

    calamine gives such a cell as empty; we need to know it was a formula to report it.
    Columns are 0-based absolute column indexes.
    """
    out: dict[str, set[tuple[int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as z:
            workbook = z.read("xl/workbook.xml").decode("utf-8")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
            targets = dict(re.findall(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
            targets |= {
                k: v for v, k in re.findall(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
            }
            for name, rid in re.findall(r'<sheet\b[^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', workbook):
                target = targets.get(rid, "")
                member = target.lstrip("/") if target.startswith("/") else "xl/" + target
                if member not in z.namelist():
                    continue
                data = z.read(member)
                if b"<f" not in data:
                    continue
                cells = set()
                for m in _CELL.finditer(data):
                    body = m.group(3) or b""
                    if b"<f" in body and not _HAS_VALUE.search(body):
                        cells.add((int(m.group(2)), _column_index(m.group(1).decode())))
                if cells:
                    out[_unescape(name)] = cells
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError):
        return {}
    return out


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letter(index: int) -> str:
    """0-based column index → ``A``, ``B``, … ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------- CSV


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 — or ``UnreadableFile``.

    GB18030 is taken only when the bytes are not UTF-8 and decode strictly as GB18030 into
    ordinary text (no private-use or control characters), so a wrong guess fails loudly.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise UnreadableFile(
            "文件含有空字节，可能是没有BOM的UTF-16文本或不是CSV；请另存为UTF-8 CSV",
            "the file holds NUL bytes (UTF-16 without BOM, or not a CSV); save it as UTF-8 CSV",
        )
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            text = decoder.decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and _looks_wrong(text):
            break
        return encoding
    raise UnreadableFile(
        "无法识别文件编码（支持UTF-8、GB18030/GBK、带BOM的UTF-16）",
        "cannot tell the file's encoding (UTF-8, GB18030/GBK or UTF-16 with BOM are accepted)",
    )


def _looks_wrong(text: str) -> bool:
    odd = sum(
        1
        for ch in text
        if (0xE000 <= ord(ch) <= 0xF8FF) or ord(ch) > 0xFFFF or (ord(ch) < 32 and ch not in "\r\n\t")
    )
    return odd > max(2, len(text) // 1000)


def detect_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one giving the most records of one consistent width (> 1 column)."""
    lines = text.splitlines()[:200]
    best, best_score = ",", (-1, -1)
    for delim in (",", "\t", ";"):
        widths: dict[int, int] = {}
        try:
            for rec in csv.reader(lines, delimiter=delim):
                if len(rec) > 1:
                    widths[len(rec)] = widths.get(len(rec), 0) + 1
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda kv: (kv[1], kv[0]))
        if (count, width) > best_score:
            best, best_score = delim, (count, width)
    return best


def read_csv(path: Path) -> Sheet:
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE)
        complete = not fh.read(1)
    encoding = detect_encoding(sample, complete=complete)
    text_sample = sample.decode(encoding, errors="ignore")
    delimiter = detect_delimiter(text_sample)

    def rows() -> Iterator[tuple[int, list]]:
        with path.open("rb") as raw:
            stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
            try:
                yield from enumerate(csv.reader(stream, delimiter=delimiter), start=1)
            except UnicodeDecodeError:
                raise UnreadableFile(
                    f"文件中途出现不符合{encoding}编码的字节，无法可靠读取",
                    f"bytes not valid in {encoding} part-way through the file",
                ) from None
            except csv.Error as err:
                raise UnreadableFile(f"CSV格式错误：{err}", f"malformed CSV: {err}") from None

    name = path.stem
    return Sheet(
        name, rows(), note=f"{encoding}, {'TAB' if delimiter == chr(9) else delimiter}", text_only=True
    )
