"""Dates as departments write them: ``2025-10-01``, ``2025/10/1``, ``2025.10.01``, ``2025年10月1日``,
``20251001``, Excel serial numbers and real date cells; ``出生年月`` may hold a month only.

An impossible date raises ``ValueError`` with a Chinese reason.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 = 1900-03-01
_MAX_SERIAL = 99_999  # 2173-10-14: larger numbers are not dates anyone sends
_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")
_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME_TAIL = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_MONTH_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_MONTH_COMPACT = re.compile(r"(\d{4})(\d{2})")
_SERIAL = re.compile(r"\d{1,5}(?:\.\d+)?")
_EARLIEST_YEAR = 1850


def _make(year: int, month: int, day: int, text: object) -> date:
    if year < _EARLIEST_YEAR:
        raise ValueError(f"日期年份不合理：{text}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期不存在：{text}") from None


def from_excel_serial(serial: float | int | Decimal) -> date:
    """Excel's day number (the fraction is the time of day and is dropped)."""
    days = int(serial)
    if days < 1 or days > _MAX_SERIAL:
        raise ValueError(f"不是有效的Excel日期序号：{serial}")
    if days == 60:
        raise ValueError("日期不存在：1900年2月29日（Excel日期序号60）")
    # Excel counts a 1900-02-29 that never was: serials before it are one day later.
    return _EXCEL_EPOCH + timedelta(days=days if days > 60 else days + 1)


def parse_date(value: object, *, month_only: bool = False) -> date:
    """Parse a cell into a date.

    ``month_only=True`` (for ``出生年月``) also accepts ``1988年7月``, ``1988-07``, ``198807``
    and gives the first day of that month.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or isinstance(value, bool):
        raise ValueError("日期为空" if value is None else f"不是日期：{value}")
    if isinstance(value, int | float | Decimal):
        return _from_number(value, month_only)
    text = str(value).translate(_FULLWIDTH).strip().replace("\u3000", "")
    if not text:
        raise ValueError("日期为空")
    text = _TIME_TAIL.sub("", text)
    if m := _SEPARATED.fullmatch(text):
        return _make(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _COMPACT.fullmatch(text):
        return _make(int(m[1]), int(m[2]), int(m[3]), value)
    if month_only:
        if m := _MONTH_SEPARATED.fullmatch(text):
            return _make(int(m[1]), int(m[2]), 1, value)
        if m := _MONTH_COMPACT.fullmatch(text):
            return _make(int(m[1]), int(m[2]), 1, value)
    if _SERIAL.fullmatch(text):
        return _from_number(Decimal(text), month_only)
    raise ValueError(f"无法识别的日期：{value}")


def _from_number(value: float | int | Decimal, month_only: bool) -> date:
    """A number cell: ``20251001`` written as a number, ``198807`` for a month, or an Excel serial."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"不是日期：{value}")
    if value != int(value):
        return from_excel_serial(value)  # a date-time serial: the fraction is the time
    n = int(value)
    if 10_000_000 <= n <= 99_999_999:
        return _make(n // 10000, n // 100 % 100, n % 100, n)
    if month_only and 100_000 <= n <= 999_999:
        return _make(n // 100, n % 100, 1, n)
    return from_excel_serial(n)
