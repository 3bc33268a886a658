"""Find the header row of a sheet, map its columns to spec fields, and decide the source type.

Header text matches after removing spaces, line breaks, full/half-width differences and ``*``;
a unit in the header (``（元）``, ``(万元)``) is split off and applies to the column.
Merged two-row headers (``户主信息`` over ``姓名 | 身份证号``) are read as one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, lru_cache

from jiuzhu.engine.identity.amounts import header_unit
from jiuzhu.engine.sources import SourceSpec

HEAD_ROWS = 40  # a header is looked for in the first rows of a sheet
MIN_FIELDS = 2  # a row naming fewer known fields is not a header
SEQUENCE_HEADERS = {"序号", "编号", "序", "no", "no.", "顺序号", "序列号"}
_GROUP_SUFFIX = re.compile(r"(基本信息|基本情况|信息|情况)$")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")


def clean(text: str) -> str:
    """Header text for comparison: NFKC (full → half width), no whitespace, no ``*``, lower case."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split()).replace("*", "").rstrip(":")
    return text.lower()


def cell_text(value: object) -> str:
    """A cell as text: ``1234.0`` → ``1234``, dates as ISO, empty as ``""``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.min.time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_INDEXES: dict[str, dict[str, str]] = {}


def field_index(spec: SourceSpec) -> dict[str, str]:
    """Clean header form → field name, for one spec."""
    index = _INDEXES.get(spec.code)
    if index is None:
        index = {}
        for f in spec.fields:
            for form in f.header_forms():
                index.setdefault(clean(form), f.name)
        _INDEXES[spec.code] = index
    return index


@lru_cache(maxsize=4096)
def _split(label: str) -> tuple[tuple[str, ...], Decimal | None]:
    text = clean(label)
    bare, unit = header_unit(text)
    return (bare, text, _TRAILING_NOTE.sub("", bare)), unit


def match_label(spec: SourceSpec, label: str) -> tuple[str | None, Decimal | None]:
    """The field a header names in ``spec`` and the header's unit (yuan per unit), if any."""
    if not label or len(label) > 100:
        return None, None
    index = field_index(spec)
    candidates, unit = _split(label)
    for candidate in candidates:
        if candidate in index:
            return index[candidate], unit
    return None, unit


@dataclass
class Column:
    index: int  # position in the row as read
    label: str  # header text as in the file ("户主信息/姓名" for a two-row header)
    field: str | None = None
    unit: Decimal | None = None


@dataclass
class HeaderFit:
    spec: SourceSpec
    header_rows: tuple[int, ...]  # spreadsheet row numbers of the header
    columns: list[Column]
    fields: dict[str, int] = field(default_factory=dict)  # field → column index (first wins)
    sequence_column: int | None = None

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1

    @cached_property
    def named_labels(self) -> list[tuple[int, str]]:
        """(column index, clean header) of the columns mapped to a field."""
        return [(c.index, clean(c.label)) for c in self.columns if c.field]


@dataclass
class _Option:
    rows: tuple[int, ...]
    labels: list[list[str]]  # per column: candidate labels, best first
    shown: list[str]


def _single(row_no: int, cells: list) -> _Option:
    shown = [cell_text(c).strip() for c in cells]
    return _Option((row_no,), [[s] if s else [] for s in shown], shown)


def _double(upper_no: int, upper: list, lower_no: int, lower: list) -> _Option:
    width = max(len(upper), len(lower))
    up = [cell_text(c).strip() for c in upper] + [""] * (width - len(upper))
    low = [cell_text(c).strip() for c in lower] + [""] * (width - len(lower))
    # A horizontally merged cell holds its text in the first column only: carry it right
    # over the columns that have a lower label.
    filled, last = [], ""
    for u, lo in zip(up, low, strict=True):
        if u:
            last = u
        filled.append(u or (last if lo else ""))
    labels, shown = [], []
    for u, lo in zip(filled, low, strict=True):
        if not lo:
            labels.append([u] if u else [])
            shown.append(u)
        elif not u or clean(u) == clean(lo):
            labels.append([lo])
            shown.append(lo)
        else:
            group = _GROUP_SUFFIX.sub("", clean(u))
            labels.append([group + lo, u + lo, lo])
            shown.append(f"{u}/{lo}")
    return _Option((upper_no, lower_no), labels, shown)


def _fields_of(option: _Option,
               spec: SourceSpec) -> tuple[dict[str, int], dict[int, tuple[str | None, Decimal | None]]]:
    found: dict[str, int] = {}
    per_column: dict[int, tuple[str | None, Decimal | None]] = {}
    for i, candidates in enumerate(option.labels):
        hit: tuple[str | None, Decimal | None] = (None, None)
        for label in candidates:
            name, unit = match_label(spec, label)
            if name:
                hit = (name, unit)
                break
            if hit[1] is None:
                hit = (None, unit)
        per_column[i] = hit
        if hit[0] and hit[0] not in found:
            found[hit[0]] = i
    return found, per_column


def _to_fit(option: _Option, spec: SourceSpec) -> HeaderFit:
    found, per_column = _fields_of(option, spec)
    columns = [Column(i, option.shown[i], *per_column[i]) for i in range(len(option.labels))]
    for col in columns:  # a second column naming an already-taken field is kept as an extra column
        if col.field and found.get(col.field) != col.index:
            col.field = None
    seq = next((c.index for c in columns if not c.field and clean(c.label) in SEQUENCE_HEADERS), None)
    return HeaderFit(spec, option.rows, columns, found, seq)


def find_header(
    head: list[tuple[int, list]], specs: list[SourceSpec]
) -> tuple[_Option, dict[str, int]] | None:
    """The header option (one or two rows) naming the most fields of any one spec, or None.

    Returns the option and, per spec code, how many of its fields it names.
    """
    best: tuple[tuple[int, int, int], _Option, dict[str, int]] | None = None
    for k, (row_no, cells) in enumerate(head):
        if not any(cell_text(c).strip() for c in cells):
            continue
        options = [_single(row_no, cells)]
        if k + 1 < len(head):
            options.append(_double(row_no, cells, *head[k + 1]))
        for is_double, option in enumerate(options):
            counts = {s.code: len(_fields_of(option, s)[0]) for s in specs}
            score = max(counts.values())
            key = (score, -is_double, -k)
            if score >= MIN_FIELDS and (best is None or key > best[0]):
                best = (key, option, counts)
    return (best[1], best[2]) if best else None


class SourceTypeError(Exception):  # noqa: N818 — "no type fits" is a user-facing outcome
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


def fit_spec(option: _Option, spec: SourceSpec) -> HeaderFit:
    """With ``--source``: the header must hold every required column of the spec."""
    fit = _to_fit(option, spec)
    missing = [f.title for f in spec.required if f.name not in fit.fields]
    if missing:
        raise SourceTypeError(
            f"表头缺少“{spec.title}”的必填列：{'、'.join(missing)}",
            f"the header lacks required column(s) of {spec.code}: {', '.join(missing)}",
        )
    return fit


def detect_type(option: _Option, specs: list[SourceSpec]) -> HeaderFit:
    """sources.md §1: the fitting type with most columns present, then the larger share; else an error."""
    fits, near = [], []
    for spec in specs:
        fit = _to_fit(option, spec)
        present = len(fit.fields)
        missing = [f for f in spec.required if f.name not in fit.fields]
        entry = (present, present / len(spec.fields), spec, fit, missing)
        (near if missing else fits).append(entry)
    if fits:
        fits.sort(key=lambda e: (e[0], e[1]), reverse=True)
        top = [e for e in fits if (e[0], e[1]) == (fits[0][0], fits[0][1])]
        if len(top) == 1:
            return top[0][3]
        names = "、".join(f"{e[2].title}({e[2].code})" for e in top)
        codes = ", ".join(e[2].code for e in top)
        raise SourceTypeError(
            f"无法判断数据类型：表头同样符合{names}，请用 --source 指定",
            f"cannot tell the source type: the header fits {codes} equally; pass --source",
        )
    near.sort(key=lambda e: (e[0] - len(e[4]), e[1]), reverse=True)
    present, _share, spec, _fit, missing = near[0]
    candidates = [e for e in near if e[0] > 0][:3]
    cand_zh = "、".join(f"{e[2].title}({e[2].code})" for e in candidates) or "无"
    missing_zh = "、".join(f.title for f in missing)
    raise SourceTypeError(
        f"表头不符合任何数据类型。候选：{cand_zh}；最接近的是{spec.title}({spec.code})，缺少必填列：{missing_zh}",
        f"the header fits no source type; candidates: {', '.join(e[2].code for e in candidates) or 'none'}; "
        f"nearest is {spec.code}, missing required column(s): {', '.join(f.title for f in missing)}",
    )
