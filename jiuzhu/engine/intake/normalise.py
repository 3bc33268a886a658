"""One data row → one record of ``rec_<type>`` plus the problems found in it.

- a bad or empty value in a required column rejects the row (``rejected``);
- the main subject's ID cell, when empty, corrupted or invalid, flags the row (``flagged``) — it is
  still stored, with ``id_number`` NULL;
- a bad value in an optional column is dropped from the record (``dropped``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import repeat

import numpy as np

from jiuzhu.engine.identity import idcard, pseudonyms
from jiuzhu.engine.identity.amounts import parse_amount
from jiuzhu.engine.identity.casenumbers import normalise_case_number
from jiuzhu.engine.identity.dates import parse_date
from jiuzhu.engine.identity.enums import parse_enum, parse_yes_no
from jiuzhu.engine.identity.names import is_masked, normalise_name
from jiuzhu.engine.identity.phones import parse_phone
from jiuzhu.engine.intake.headers import HeaderFit, cell_text
from jiuzhu.engine.intake.readers import column_letter
from jiuzhu.engine.sources import Field

MAX_CELL = 10_000  # sources.md §1: a longer cell is a bad value
REPORT_VALUE = 200  # a value in a report is cut to this many characters
_MASK_HINTS = frozenset("某*×✕╳○◯?xX")
FORMULA_EMPTY = "公式单元格没有保存的计算结果，按空值处理"
_CACHE_LIMIT = 50_000  # distinct text values remembered per column before the memo starts over
# The check digit's weights are 2**(17 - i) mod 11, and 13 ≡ 2 (mod 11): the weighted sum of the first 17
# digits is ≡ 2 * int(first17, 13) (mod 11), one C call instead of 17 multiplications. Indexed by
# int(first17, 13) % 11, the check digit ``idcard.check_digit`` gives.
_ID_CHECK13 = "".join("10X98765432"[2 * r % 11] for r in range(11))
_ID_WEIGHTS = np.array([2 ** (17 - i) % 11 for i in range(17)], dtype=np.int64)  # idcard.check_digit's
_DATE_PLACES = 10 ** np.arange(7, -1, -1, dtype=np.int64)  # yyyymmdd's digits → the number
_ID_CHECKS = np.frombuffer(b"10X98765432", dtype=np.uint8)  # the check digit's byte, by weighted sum mod 11
_PARSE_ERRORS = (ValueError, ArithmeticError, TypeError)  # a parser's "bad value" (reported, never raised)


@dataclass(frozen=True)
class Problem:
    column: str
    value: str
    reason: str
    kind: str  # rejected | flagged | dropped | duplicate


def report_value(value: object) -> str:
    text = cell_text(value)
    if len(text) > REPORT_VALUE:
        return f"{text[:REPORT_VALUE]}…（共{len(text)}字）"
    return text


def _text(value: object) -> str:
    return (
        unicodedata.normalize("NFKC", cell_text(value)).strip()
        if not isinstance(value, str)
        else value.strip()
    )


def _int(value: object) -> int:
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        if value != int(value) or value < 0:
            raise ValueError(f"应为非负整数：{value}")
        return int(value)
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value))).rstrip("人口个")
    if not re.fullmatch(r"\d+(\.0+)?", text):
        raise ValueError(f"应为非负整数：{value}")
    return int(text.split(".")[0])


def _name(value: object) -> str:
    text = normalise_name(value)
    if not text:
        raise ValueError("姓名为空")
    return text


def _parser(f: Field, unit: Decimal | None) -> Callable[[object], object]:
    kind = f.kind
    if kind == "text":
        return _text
    if kind == "name":
        return _name
    if kind == "date":
        return lambda v: parse_date(v, month_only=f.name == "birth_date")
    if kind == "amount":
        return lambda v: parse_amount(v, unit=unit)
    if kind == "enum":
        enum = f.enum or ""
        return lambda v: parse_enum(enum, v)
    if kind == "sex":
        return lambda v: parse_enum("sex", v)
    if kind == "bool":
        return parse_yes_no
    if kind == "phone":
        return parse_phone
    if kind == "case_no":
        return normalise_case_number
    if kind == "int":
        return _int
    raise ValueError(f"unknown field kind {kind}")


_ID, _TEXT, _PARSE = 0, 1, 2  # how RowNormaliser reads a mapped column
_MISS = object()  # not in a memo (a remembered result may be None)


class _Memo:
    """A column's parser with its results for repeated text cells (the same township, date or enum value
    on thousands of rows). Parsers are pure for text, so a remembered result or error message is exact."""

    __slots__ = ("ok", "parse", "seen")

    def __init__(self, parse: Callable[[object], object]) -> None:
        self.parse = parse
        self.seen: dict[str, tuple[bool, object]] = {}
        self.ok: dict[str, object] = {}  # the results of ``seen`` that parsed: the row loop's one look-up

    def __call__(self, value: object) -> object:
        if value.__class__ is not str:
            return self.parse(value)
        hit = self.seen.get(value)  # type: ignore[call-overload]
        if hit is None:
            try:
                hit = (True, self.parse(value))
            except _PARSE_ERRORS as err:
                hit = (False, str(err))
            if len(self.seen) >= _CACHE_LIMIT:
                self.seen.clear()
                self.ok.clear()
            self.seen[value] = hit  # type: ignore[index]
            if hit[0]:
                self.ok[value] = hit[1]  # type: ignore[index]
        if hit[0]:
            return hit[1]
        raise ValueError(hit[1])


class _IdParser:
    """``idcard.parse_id`` with a fast path for the common cell: 18 ASCII digits (or a final ``X``) whose
    check digit and birth date hold. Anything else goes to ``parse_id`` itself, so every outcome and
    reason is the one ``parse_id`` gives."""

    __slots__ = ("births", "_days")

    def __init__(self) -> None:
        self.births: dict[str, date | None] = {}  # yyyymmdd → idcard.birth_date of an ID holding it
        self._days: np.ndarray | None = None  # yyyymmdd of every day from idcard.EARLIEST_BIRTH to today

    def birth(self, id18: str) -> date | None:
        """``idcard.birth_date(id18)``, None where it raises; remembered per date (a county has ~30,000)."""
        digits8 = id18[6:14]
        try:
            return self.births[digits8]
        except KeyError:
            pass
        try:
            born: date | None = idcard.birth_date(id18)
        except ValueError:
            born = None
        self.births[digits8] = born
        return born

    def born(self, days: np.ndarray) -> np.ndarray:
        """``birth(id18) is not None`` for IDs whose date digits read as the yyyymmdd numbers ``days``: a
        number inside the days from idcard.EARLIEST_BIRTH to today (listed once per sheet) is found in them
        or is no day; one outside them (e.g. today, once midnight has passed) is asked of ``birth``."""
        table = self._days
        if table is None:
            span = np.arange(np.datetime64(idcard.EARLIEST_BIRTH, "D"), np.datetime64(date.today(), "D") + 1)
            months = span.astype("datetime64[M]")
            table = self._days = ((months.astype("datetime64[Y]").astype(np.int64) + 1970) * 10_000
                                  + (months.astype(np.int64) % 12 + 1) * 100 + (span - months).astype(np.int64) + 1)
        found = table[np.minimum(np.searchsorted(table, days), len(table) - 1)] == days
        outside = (days < table[0]) | (days > table[-1])
        if outside.any():
            for day in np.unique(days[outside]).tolist():
                found[days == day] = self.birth(f"000000{day:08d}0000") is not None  # birth reads the 8 digits
        return found

    def valid(self, value: object) -> bool:
        """True only for 18 ASCII characters, 17 digits and the right check digit (a digit or ``X``), with
        a birth date that holds: what ``idcard.parse_id`` takes as valid, unchanged."""
        if value.__class__ is not str or len(value) != 18 or not value.isascii():  # type: ignore[arg-type]
            return False
        text: str = value  # type: ignore[assignment]
        first17 = text[:17]
        # isdigit on ASCII is 0-9 only, so int() sees no sign, space or underscore
        return (first17.isdigit() and _ID_CHECK13[int(first17, 13) % 11] == text[17]
                and self.birth(text) is not None)


def _name_masked(name: str | None) -> bool:
    # is_masked re-normalises; most names hold no mask character at all, so test that first.
    return bool(name) and (
        (not _MASK_HINTS.isdisjoint(name) and is_masked(name))  # type: ignore[arg-type]
        or (name[0] == "M" and pseudonyms.is_masked_name(name))  # type: ignore[index, arg-type]
    )  # a pseudonymised 卢某某


def _valid_column(ids: _IdParser, col: tuple[str, ...]) -> list[bool]:
    """``ids.valid`` of each cell of a text column. A column of 18-character ASCII cells (a clean file's) has
    its check digits computed together: 17 ASCII digits, the weighted sum's check byte equal to the 18th,
    and a birth date that holds (looked up once per date)."""
    n = len(col)
    if not n or list(map(len, col)).count(18) != n:
        return list(map(ids.valid, col))
    joined = "".join(col)
    if not joined.isascii():
        return list(map(ids.valid, col))
    cells = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(n, 18)
    first17 = cells[:, :17]
    digits = ((first17 >= 48) & (first17 <= 57)).all(axis=1)
    sums = (first17.astype(np.int64) - 48) @ _ID_WEIGHTS
    taken = digits & (_ID_CHECKS[sums % 11] == cells[:, 17])
    rows = np.flatnonzero(taken)
    taken[rows] = ids.born((first17[rows, 6:14].astype(np.int64) - 48) @ _DATE_PLACES)
    return taken.tolist()


class RowNormaliser:
    """Turns the data rows of one sheet (one header fit) into records."""

    def __init__(self, fit: HeaderFit, *, blank_formulas: set[tuple[int, int]], column_offset: int) -> None:
        self.fit = fit
        self.spec = fit.spec
        self.blank_formulas = blank_formulas
        self.offset = column_offset
        self.plan: list[tuple[int, Field, str, Callable[[object], object] | None]] = []
        # Per mapped column: index, field, its name, header, step (_ID, _TEXT or _PARSE), parser, its memo's
        # results that parsed.
        self._steps: list[tuple[int, Field, str, str, int, Callable[[object], object] | None, dict | None]] = []
        for f in self.spec.fields:
            if f.name in fit.fields:
                col = fit.columns[fit.fields[f.name]]
                parser = None if f.kind == "id" else _parser(f, col.unit)
                self.plan.append((col.index, f, col.label, parser))
                if parser is None:
                    self._steps.append((col.index, f, f.name, col.label, _ID, None, None))
                elif f.kind == "text":  # _text is cheaper than a memo look-up
                    self._steps.append((col.index, f, f.name, col.label, _TEXT, parser, None))
                else:
                    memo = _Memo(parser)
                    self._steps.append((col.index, f, f.name, col.label, _PARSE, memo, memo.ok))
        self.extra_columns = [
            c for c in fit.columns if c.field is None and c.index != fit.sequence_column and c.label
        ]
        self.unnamed_columns = [
            c.index for c in fit.columns if not c.label and c.index != fit.sequence_column
        ]
        self.id_column = fit.fields.get("id_number")
        self._ids = _IdParser()
        self._always_extra = bool(self.extra_columns or self.unnamed_columns)
        self._width = len(fit.columns)
        # Whether ``normalise_block`` may take rows: no cell of the sheet is a formula (a blank one is a
        # problem) and no column goes to ``extra`` (only a row wider than the header has extra cells).
        self.columnar = not blank_formulas and not self._always_extra

    def _is_blank_formula(self, row_no: int, index: int) -> bool:
        return bool(self.blank_formulas) and (row_no, index + self.offset) in self.blank_formulas

    def normalise(self, row_no: int, cells: list) -> tuple[dict | None, list[Problem]]:
        """The record (None when the row is rejected) and the problems of the row."""
        record: dict[str, object] = {}
        problems: list[Problem] = []
        rejected = False
        width = len(cells)
        for index, f, name, label, step, parser, ok in self._steps:
            value = cells[index] if index < width else ""
            if isinstance(value, str):
                if not value or value.isspace():  # empty: the same test as ``not value.strip()``
                    value = None
                elif len(value) > MAX_CELL:
                    rejected |= self._too_long(record, problems, f, label, value)
                    continue
                elif step == _TEXT:
                    record[name] = value.strip()  # what _text gives for a text cell
                    continue
                elif ok is not None:
                    hit = ok.get(value, _MISS)  # the memo's look-up, without a call for the common hit
                    if hit is not _MISS:
                        record[name] = hit
                        continue
            if value is None:
                formula = self._is_blank_formula(row_no, index)
                if f.kind == "id" and f.name == "id_number":
                    record["id_status"], record["id_raw"] = "empty", ""
                    problems.append(
                        Problem(label, "", FORMULA_EMPTY if formula else "身份证号码为空", "flagged")
                    )
                elif f.required:
                    rejected = True
                    problems.append(
                        Problem(label, "", FORMULA_EMPTY if formula else "必填项为空", "rejected")
                    )
                elif formula:
                    problems.append(Problem(label, "", FORMULA_EMPTY, "dropped"))
                continue
            if step == _ID:
                if self._ids.valid(value):
                    if name == "id_number":
                        record["id_status"], record["id_raw"], record["id_number"] = "valid", value, value
                    else:
                        record[name] = value
                    continue
                self._unusual_id(record, problems, f, label, value)
                continue
            try:
                record[name] = parser(value)  # type: ignore[misc]
            except _PARSE_ERRORS as err:  # e.g. an infinite number cell
                if f.required:
                    rejected = True
                    problems.append(Problem(label, report_value(value), str(err), "rejected"))
                else:
                    problems.append(Problem(label, report_value(value), str(err), "dropped"))
        if rejected:
            return None, problems
        self._derive(record)
        record["extra"] = self._extra(row_no, cells, problems) if self._has_extra(width) else None
        return record, problems

    def normalise_block(self, block: list[list[str]], names: list[str]) -> tuple[dict[str, list], set[int]]:
        """Text rows (a CSV's) a column at a time: each record column of ``names`` as a list over the
        block, and the rows left out of it — every row with a problem or anything else unusual (an empty
        required cell, a cell the parser refuses, an ID the quick check does not pass, a row not as wide
        as the header), whose values in the lists mean nothing: those rows go through ``normalise``. A row
        taken here is one for which ``normalise`` gives no problem and the record whose values the lists
        hold: each cell gets what the row loop gives it (the same memo, the same quick ID check), the
        derived values are ``_derive``'s. Needs ``columnar``."""
        n = len(block)
        width = self._width
        left: set[int] = set()
        if list(map(len, block)).count(width) != n:  # a short row reads "" past its end, a long one has extra
            blank = [""] * width
            left.update(i for i, cells in enumerate(block) if len(cells) != width)
            block = [blank if i in left else cells for i, cells in enumerate(block)]
        cols = list(zip(*block, strict=True)) if n else [()] * width
        out: dict[str, list] = {}
        for index, f, name, _label, step, parser, ok in self._steps:
            col = cols[index]
            if step == _ID:
                taken = _valid_column(self._ids, col)
                if not all(taken):  # empty, long or unusual: the row loop's _unusual_id and messages
                    left.update(i for i, t in enumerate(taken) if not t)
                if name == "id_number":
                    out["id_status"], out["id_raw"] = ["valid"] * n, list(col)
                out[name] = list(col)
                continue
            if step == _TEXT:
                values = list(map(str.strip, col))  # "" exactly for an empty or all-space cell
            else:
                values = list(map(ok.get, col, repeat(_MISS, n)))  # type: ignore[union-attr]
            if max(map(len, col), default=0) > MAX_CELL:
                left.update(i for i, v in enumerate(col) if len(v) > MAX_CELL)
            if step == _TEXT:
                if "" in values:
                    for i in [i for i, v in enumerate(values) if v == ""]:
                        if f.required:
                            left.add(i)
                        values[i] = None
            elif _MISS in values:
                for i in [i for i, v in enumerate(values) if v is _MISS]:
                    value = col[i]
                    if not value or value.isspace():
                        if f.required:
                            left.add(i)
                        values[i] = None
                    elif len(value) <= MAX_CELL:
                        try:
                            values[i] = parser(value)  # type: ignore[misc]
                        except _PARSE_ERRORS:
                            left.add(i)
            out[name] = values
        for i in left:  # their records come from normalise; nothing here may derive from their cells
            for values in out.values():
                values[i] = None
        self._derive_block(out, n)
        return {name: out.get(name) or [None] * n for name in names}, left

    def _derive_block(self, out: dict[str, list], n: int) -> None:
        """``_derive`` for a block's columns (the rows left out hold None)."""
        if "id_status" not in out:
            out["id_status"], out["id_raw"] = ["empty"] * n, [""] * n
        numbers = out.get("id_number")
        if numbers is not None and any(numbers):
            for key, derive in (("sex", idcard.sex), ("birth_date", self._ids.birth)):
                values = out.setdefault(key, [None] * n)
                if not all(values):
                    for i in [i for i, v in enumerate(values) if not v and numbers[i]]:
                        values[i] = derive(numbers[i])  # a number taken is valid: its birth date holds
        names = out.get("name")
        # A block whose names hold no mask character and no "M" at all has none masked (most blocks).
        joined = "".join(filter(None, names or ()))
        if _MASK_HINTS.isdisjoint(joined) and "M" not in joined:
            out["name_masked"] = [False] * n
        else:
            out["name_masked"] = list(map(_name_masked, names))  # type: ignore[arg-type]
        out["extra"] = [None] * n

    @staticmethod
    def _unusual_id(record: dict, problems: list[Problem], f: Field, label: str, value: object) -> None:
        """An ID cell the quick check did not pass (spaces, lower-case x, 15 digits, a typo): parsed
        in full. The main subject's ID is kept with its status; another ID only when valid."""
        parsed = idcard.parse_id(value)
        if f.name == "id_number":
            record["id_status"], record["id_raw"] = parsed.status, cell_text(value)
            record["id_number"] = parsed.number
            if parsed.status != "valid":
                problems.append(
                    Problem(label, report_value(value), parsed.reason or "身份证号码不可用", "flagged")
                )
        elif parsed.status == "valid":
            record[f.name] = parsed.number
        elif parsed.status != "empty":
            problems.append(
                Problem(label, report_value(value), parsed.reason or "身份证号码不可用", "dropped")
            )

    @staticmethod
    def _too_long(record: dict, problems: list[Problem], f: Field, label: str, value: str) -> bool:
        """Report a cell over MAX_CELL characters; True when that rejects the row."""
        reason = f"单元格内容超过{MAX_CELL}字（{len(value)}字）"
        if f.name == "id_number":
            record["id_status"], record["id_raw"] = "invalid", ""
            problems.append(Problem(label, report_value(value), reason, "flagged"))
            return False
        if f.required:
            problems.append(Problem(label, report_value(value), reason, "rejected"))
            return True
        problems.append(Problem(label, report_value(value), reason, "dropped"))
        return False

    def _has_extra(self, width: int) -> bool:
        """Whether the row can have anything for ``extra`` (most files have no extra column at all)."""
        return self._always_extra or width > self._width

    def _derive(self, record: dict) -> None:
        if "id_status" not in record:
            record["id_status"], record["id_raw"] = "empty", ""
        number = record.get("id_number")
        if number:
            if not record.get("sex"):
                record["sex"] = idcard.sex(number)
            if not record.get("birth_date"):
                born = self._ids.birth(number)  # type: ignore[arg-type]
                # No such date: idcard.birth_date raises its own error, the cache only spares the look-up.
                record["birth_date"] = born if born is not None else idcard.birth_date(number)
        record["name_masked"] = _name_masked(record.get("name"))

    def _extra(self, row_no: int, cells: list, problems: list[Problem]) -> str | None:
        extra: dict[str, str] = {}
        width = len(cells)
        for col in self.extra_columns:
            if col.index >= width:
                continue
            text = cell_text(cells[col.index])
            if not text:
                continue
            if len(text) > MAX_CELL:
                problems.append(
                    Problem(
                        col.label,
                        report_value(text),
                        f"单元格内容超过{MAX_CELL}字（{len(text)}字）",
                        "dropped",
                    )
                )
                continue
            extra.setdefault(col.label, text)
        # Columns without a header — inside the header's width or beyond it — are kept under their letter.
        for index in (*self.unnamed_columns, *range(len(self.fit.columns), width)):
            if index < width and (text := cell_text(cells[index])) and len(text) <= MAX_CELL:
                extra.setdefault(f"{column_letter(index + self.offset)}列", text)
        return json.dumps(extra, ensure_ascii=False) if extra else None
