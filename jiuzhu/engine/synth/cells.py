"""How one value is written into a cell, the many ways offices write it (sources.md §1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from jiuzhu.engine.identity.idcard import check_digit

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_EXCEL_EPOCH = date(1899, 12, 30)

DATE_FORMATS_XLSX = ("cell", "iso", "slash", "cn", "serial")
DATE_FORMATS_CSV = ("iso", "slash", "dot", "cn", "compact")
ID_FORMS = ("plain", "lower_x", "legacy15", "fullwidth", "spaces", "float", "invalid", "missing")


@dataclass(frozen=True)
class Num:
    """A number cell (xlsx/xls); in CSV it is written the way Excel would show it."""

    value: float | int

    def __str__(self) -> str:
        v = self.value
        if isinstance(v, float) and abs(v) >= 1e15:
            return f"{v:.14E}".replace("E+", "E+")
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)


@dataclass(frozen=True)
class DateCell:
    value: date

    def __str__(self) -> str:
        return self.value.isoformat()


def fmt_date(d: date, style: str, csv: bool) -> object:
    if style == "cell":
        return d.isoformat() if csv else DateCell(d)
    if style == "serial":
        return str((d - _EXCEL_EPOCH).days) if csv else Num((d - _EXCEL_EPOCH).days)
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "compact":
        return f"{d:%Y%m%d}"
    raise ValueError(style)


def fmt_month(d: date, rng: np.random.Generator) -> str:
    """出生年月 may hold a month only."""
    return f"{d.year}年{d.month}月" if rng.random() < 0.5 else f"{d:%Y%m}"


def _dec(fen: int, unit: int) -> str:
    text = format((Decimal(fen) / Decimal(100 * unit)).normalize(), "f")
    return text


def fmt_amount(fen: int, unit: str, rng: np.random.Generator, mixed: bool, csv: bool) -> object:
    """``unit`` is the header's unit: "" (yuan, free style), "元" or "万元"."""
    if unit == "万元":
        text = _dec(fen, 10_000)
        return text if csv or rng.random() < 0.3 else Num(float(text))
    yuan = _dec(fen, 1)
    if mixed and unit == "":
        style = int(rng.integers(0, 4))
        if style == 0:
            return f"{Decimal(fen) / 100:,.2f}"
        if style == 1 and fen % 10_000 == 0:  # whole hundreds of yuan → exact in 万
            return _dec(fen, 10_000) + ("万元" if rng.random() < 0.5 else "万")
        if style == 2:
            return "¥" + yuan
        return f"{Decimal(fen) / 100:.2f}"
    if csv:
        return yuan
    return Num(int(yuan)) if "." not in yuan else Num(float(yuan))


def id_cell(id18: str, form: str, rng: np.random.Generator, csv: bool) -> object:
    if form == "plain":
        return id18
    if form == "lower_x":
        return id18[:17] + "x"
    if form == "legacy15":
        return id18[:6] + id18[8:17]
    if form == "fullwidth":
        return id18.translate(_FULLWIDTH)
    if form == "spaces":
        return f"{id18[:6]} {id18[6:14]} {id18[14:]}" if rng.random() < 0.5 else f"{id18[:6]} {id18[6:]}"
    if form == "float":
        if not csv:
            return Num(float(int(id18)))
        # Excel shows it as 3.50425E+17, or, formatted as a number, with the last digits as 000
        zeros = id18[:15] + "000"
        if rng.random() < 0.3 and check_digit(zeros[:17]) != zeros[17]:
            return zeros
        return f"{float(int(id18)):.14E}"
    if form == "invalid":
        pos = int(rng.integers(14, 17))
        digit = str((int(id18[pos]) + int(rng.integers(1, 10))) % 10)
        return id18[:pos] + digit + id18[pos + 1:]
    if form == "missing":
        return ""
    raise ValueError(form)


def case_number(number: str, style: int) -> str:
    """The same 案号 with the brackets an office happens to type."""
    if style == 1:
        return number.replace("(", "（").replace(")", "）")
    if style == 2:
        return number.replace("(", "〔").replace(")", "〕")
    if style == 3:
        return number.replace("(", "( ").replace(")", " )")
    return number


def sex_cell(male: bool, variant: bool) -> str:
    s = "男" if male else "女"
    return s + "性" if variant else s


GRADE_VARIANTS = {"一级": ("1级", "1"), "二级": ("2级", "2"), "三级": ("3级", "3"), "四级": ("4级", "4")}
