"""Pseudonymised sharing (可用不可见): a unit's registry files with every ID number, name and phone
replaced by keyed pseudonyms (HMAC-SHA256 under a key the units share), ready to send.

Runs at the unit, without a database. Files are read exactly as intake reads them (readers, header
detection, specs), so the columns found are the columns the platform will find. What is written and
why: docs/privacy.md; the pseudonym forms: ``jiuzhu.engine.identity.pseudonyms``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from jiuzhu.engine.identity import idcard, pseudonyms
from jiuzhu.engine.identity.addresses import AddressIndex
from jiuzhu.engine.identity.phones import parse_phone
from jiuzhu.engine.intake import (
    FileFailed,
    HeaderFit,
    UnreadableFile,
    cell_text,
    expand_paths,
    is_layout_row,
    plan_sheets,
)
from jiuzhu.engine.linkage import name_keys
from jiuzhu.engine.region import current_region

MIN_KEY_BYTES = 16
REMOVED = "［已去除］"  # what stands where a broken ID number or a number in free text was
# Free-text cells (罪名, 案由, 救助事由, 服刑场所) may quote a number or a phone: replaced too.
_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_CERT = re.compile(r"(\d{17}[\dX])([1-7][1-4])")
# Text fields kept as written: places and identifiers that are no person's (户号 is the 公安's own number).
_PLAIN_TEXT = {"township", "village", "household_no"}


class KeyError_(Exception):  # noqa: N801,N818 — a user-facing condition
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


def read_key(path: Path) -> bytes:
    """The shared secret: the key file's bytes as they are (at least 16)."""
    try:
        key = path.read_bytes()
    except OSError as err:
        raise KeyError_(
            f"无法读取密钥文件：{path}", f"cannot read the key file {path}: {err.strerror}"
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise KeyError_(
            f"密钥文件太短：{len(key)}字节，至少需要{MIN_KEY_BYTES}字节（请各单位使用同一个足够长的随机密钥）",
            f"the key file is too short: {len(key)} bytes, at least {MIN_KEY_BYTES} are needed",
        )
    return key


class Pseudonymiser:
    """Keyed pseudonyms, and the unit's own map from each pseudonym written back to its original."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self.map: dict[str, str] = {}  # pseudonym → original (first written form for names)

    def _mac(self, domain: str, text: str) -> bytes:
        return hmac.new(self._key, f"{domain}\x1f{text}".encode(), hashlib.sha256).digest()

    def _hex(self, domain: str, text: str, n: int) -> str:
        return self._mac(domain, text).hex()[:n].upper() if text else ""

    def id_number(self, id18: str) -> str:
        """The pseudonym of a valid, normalised 18-digit ID (birth date and sex kept)."""
        digest = self._mac("id", id18)
        chars = base64.b32encode(digest).decode()
        sex_digit = (digest[-1] % 5) * 2 + int(id18[16]) % 2
        first17 = f"P{chars[:5]}{id18[6:14]}{chars[5:7]}{sex_digit}"
        out = first17 + pseudonyms.id_check(first17)
        self.map.setdefault(out, id18)
        return out

    def id_cell(self, value: object) -> str:
        """A cell holding an ID number: its pseudonym when usable, else removed (a broken number is
        no evidence to the platform either, and its digits still say who it was)."""
        parsed = idcard.parse_id(value)
        if parsed.status == "valid" and parsed.number:
            return parsed.number if pseudonyms.is_id(parsed.number) else self.id_number(parsed.number)
        return "" if parsed.status == "empty" else REMOVED

    def name(self, value: object) -> str:
        written = cell_text(value).strip()
        if not written or pseudonyms.is_name(written):
            return written
        keys = name_keys(written)
        if keys is None:
            return ""
        if keys.masked:
            out = f"M{self._hex('surname', keys.surname, 6)}-{keys.length or 0}"
        else:
            out = (
                f"N{self._hex('name', keys.norm, 12)}-{self._hex('fold', keys.fold, 10)}-"
                f"{self._hex('pinyin', keys.pinyin, 10)}-"
                f"{self._hex('surname', keys.surname, 6)}-{keys.length}"
            )
        self.map.setdefault(out, written)
        return out

    def phone(self, value: object) -> str:
        try:
            number = parse_phone(value)
        except (ValueError, ArithmeticError, TypeError):
            return "" if not cell_text(value).strip() else REMOVED
        out = f"T{self._hex('phone', number, 12)}"
        self.map.setdefault(out, number)
        return out

    def certificate(self, value: object) -> str:
        """残疾证号 = ID number + 类别 and 等级 digits: the ID part pseudonymised, the digits kept."""
        text = re.sub(r"\s", "", unicodedata.normalize("NFKC", cell_text(value))).upper()
        if not text:
            return ""
        m = _CERT.fullmatch(text)
        if m and idcard.is_valid(m[1]):
            return self.id_number(m[1]) + m[2]
        return REMOVED

    def free_text(self, value: object, names: Iterable[str]) -> object:
        """罪名, 案由 …: numbers, mobiles and the row's own names replaced."""
        if not isinstance(value, str):
            return value
        text = _NUMBER_IN_TEXT.sub(
            lambda m: self.id_cell(m[0]) if idcard.parse_id(m[0]).status == "valid" else REMOVED, value
        )
        text = _MOBILE_IN_TEXT.sub(lambda m: self.phone(m[0]), text)
        for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
            if name in text:
                text = text.replace(name, self.name(name))
        return text


@dataclass
class SheetOut:
    name: str
    header: list[str]
    rows: list[list[object]] = field(default_factory=list)


@dataclass
class FileOut:
    source: Path
    sheets: list[SheetOut]
    rows: int = 0
    skipped: list[dict] = field(default_factory=list)


class _Places:
    """The address text below the village is dropped: an address becomes the township and village it
    names (what linkage reads from an address when those columns are empty), or nothing."""

    def __init__(self) -> None:
        region = current_region()
        self.index = AddressIndex(region.townships, {}, (region.province, region.city, region.county))

    def address(self, value: object) -> str:
        place = self.index.locate(cell_text(value))
        return f"{place.township}{place.village or ''}" if place else ""


def _transform(fit: HeaderFit, cells: list, p: Pseudonymiser, places: _Places) -> list[object]:
    spec = fit.spec
    out: list[object] = []
    width = len(cells)
    values = {name: cells[i] if i < width else "" for name, i in fit.fields.items()}
    row_names = [
        cell_text(values[f.name]).strip() for f in spec.fields if f.kind == "name" and f.name in values
    ]
    for name, value in values.items():
        f = spec.field(name)
        if cell_text(value).strip() == "":
            out.append("")
        elif f.kind == "id":
            out.append(p.id_cell(value))
        elif f.kind == "name":
            out.append(p.name(value))
        elif f.kind == "phone":
            out.append(p.phone(value))
        elif name == "address":
            out.append(places.address(value))
        elif name == "disability_cert_no":
            out.append(p.certificate(value))
        elif f.kind == "text" and name not in _PLAIN_TEXT:
            out.append(p.free_text(value, row_names))
        elif isinstance(value, datetime):
            out.append(cell_text(value))
        elif isinstance(value, date):
            out.append(value.isoformat())
        else:
            out.append(value)
    return out


def _header(fit: HeaderFit) -> list[str]:
    """The written header: the file's own labels; a two-row header as each field's plain title."""
    labels = []
    for name, index in fit.fields.items():
        label = fit.columns[index].label
        labels.append(label if len(fit.header_rows) == 1 else fit.spec.field(name).title)
    return labels


def pseudonymise_file(
    path: Path, p: Pseudonymiser, places: _Places | None = None, *, source: str | None = None
) -> FileOut:
    """Read one file as intake does (``source`` as ``jiuzhu ingest --source``) and pseudonymise it in memory
    (raises ``UnreadableFile`` or ``FileFailed`` as an import would fail)."""
    places = places or _Places()
    plans, skipped = plan_sheets(path, source=source, sheet_name=None)
    if not plans:
        why = "；".join(f"{s['sheet']}：{s['reason']}" for s in skipped)
        raise FileFailed(f"没有可识别表头的工作表（{why}）", "no sheet with a recognisable header", skipped)
    out = FileOut(path, [], skipped=skipped)
    for plan in plans:
        sheet = SheetOut(plan.sheet.name, _header(plan.fit))
        for _row_no, cells in plan.rows:
            texts = [cell_text(c) for c in cells]
            if is_layout_row(texts, plan.fit):  # totals, notes (填表人：…), repeated headers: never sent
                continue
            sheet.rows.append(_transform(plan.fit, cells, p, places))
        out.rows += len(sheet.rows)
        out.sheets.append(sheet)
    return out


def write_file(result: FileOut, out_dir: Path) -> Path:
    """Write in the file's own format and name: CSV as UTF-8 with BOM, .xlsx/.xlsm/.ods as .xlsx
    content, .xls as .xls (BIFF8)."""
    target = out_dir / result.source.name
    suffix = result.source.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"} or len(result.sheets) == 1 and _is_text(result.source):
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter="\t" if suffix == ".tsv" else ",")
            sheet = result.sheets[0]
            w.writerow(sheet.header)
            w.writerows([cell_text(v) for v in row] for row in sheet.rows)
    elif suffix == ".xls":
        _write_xls(result, target)
    else:
        _write_xlsx(result, target)
    return target


def _is_text(path: Path) -> bool:
    """A spreadsheet name over text content (common in government exports): written back as text."""
    with path.open("rb") as fh:
        return not fh.read(8).startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


def _write_xlsx(result: FileOut, target: Path) -> None:
    # here, not at the top: openpyxl is slow to load and only a spreadsheet written back needs it
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for sheet in result.sheets:
        ws = book.create_sheet(sheet.name[:31])
        ws.append(sheet.header)
        for row in sheet.rows:
            ws.append(row)
    book.save(target)


def _write_xls(result: FileOut, target: Path) -> None:
    import xlwt  # here, not at the top: only an .xls written back needs it

    book = xlwt.Workbook(encoding="utf-8")
    for sheet in result.sheets:
        ws = book.add_sheet(sheet.name[:31], cell_overwrite_ok=True)
        for c, label in enumerate(sheet.header):
            ws.write(0, c, label)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row):
                ws.write(
                    r,
                    c,
                    value
                    if isinstance(value, int | float) and not isinstance(value, bool)
                    else cell_text(value),
                )
    book.save(str(target))


def write_map(mapping: dict[str, str], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["pseudonym", "original"])
        w.writerows(mapping.items())


@dataclass
class Outcome:
    written: list[tuple[Path, int]] = field(default_factory=list)  # file written, data rows
    failed: list[tuple[Path, str, str]] = field(default_factory=list)  # file, zh, en


def pseudonymise(
    paths: Iterable[Path],
    key: bytes,
    out_dir: Path,
    map_out: Path | None = None,
    *,
    source: str | None = None,
) -> Outcome:
    """Every file (or every file of a folder) into ``out_dir`` under its own name; the map when asked."""
    out_dir.mkdir(parents=True, exist_ok=True)
    p = Pseudonymiser(key)
    places = _Places()
    outcome = Outcome()
    seen: set[str] = set()
    for path in expand_paths(paths):
        if path.name in seen:
            outcome.failed.append(
                (
                    path,
                    f"文件名重复：{path.name}（输出目录里每个文件用原名）",
                    f"two input files are named {path.name}",
                )
            )
            continue
        try:
            result = pseudonymise_file(path, p, places, source=source)
        except (UnreadableFile, FileFailed) as err:
            outcome.failed.append((path, err.zh, err.en))
            continue
        seen.add(path.name)
        outcome.written.append((write_file(result, out_dir), result.rows))
    if map_out is not None:
        write_map(p.map, map_out)
    return outcome
