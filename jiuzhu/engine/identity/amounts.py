"""Amounts of money as written in cells → integer 分 (fen). Never float arithmetic: Decimal throughout.

Accepted: ``30000``, ``30,000.00``, ``3万``, ``3.5万元``, ``¥30000``, ``￥3,000元``, number cells,
and a unit in the column header (``救助金额（元）``, ``未履行金额(万元)``) that applies to bare numbers.
A negative amount, or one with a fraction of a 分, is a bad value (``ValueError``, Chinese reason).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

YUAN = Decimal(1)
WAN = Decimal(10000)

_UNITS = {"元": YUAN, "万元": WAN, "万": WAN, "千元": Decimal(1000), "百元": Decimal(100)}
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－＋", "0123456789,.-+")
_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?")
_HEADER_UNIT = re.compile(r"[(（]\s*(万元|千元|百元|元|万)\s*[)）]\s*$")


def header_unit(header: str) -> tuple[str, Decimal | None]:
    """Split a trailing unit off a header: ``救助金额（元）`` → (``救助金额``, 1); none → (header, None)."""
    m = _HEADER_UNIT.search(header)
    if not m:
        return header, None
    return header[: m.start()].rstrip(), _UNITS[m[1]]


def _decimal_of_number(value: int | float | Decimal) -> Decimal:
    if isinstance(value, float):
        # Excel keeps 15 significant digits; repr noise beyond that (0.30000000000000004) is not money.
        return Decimal(format(value, ".15g"))
    return Decimal(value)


def parse_amount(value: object, *, unit: Decimal | None = None) -> int:
    """The amount in 分. ``unit`` is yuan per unit of a bare number (from the header; default 元)."""
    if value is None or isinstance(value, bool):
        raise ValueError("金额为空" if value is None else f"不是金额：{value}")
    per = unit if unit is not None else YUAN
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"不是金额：{value}")
        amount = _decimal_of_number(value) * per
    else:
        amount = _parse_text(str(value), per)
    if amount < 0:
        raise ValueError(f"金额不能为负数：{value}")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"金额精确到分以下：{value}")
    return int(fen)


def _parse_text(raw: str, per: Decimal) -> Decimal:
    text = raw.translate(_FULLWIDTH)
    text = re.sub(r"[\s\u3000]", "", text)
    text = text.removeprefix("人民币").lstrip("¥￥").removeprefix("RMB")
    if text.startswith(("-¥", "-￥")):
        text = "-" + text[2:]
    if not text:
        raise ValueError("金额为空")
    m = _NUMBER.match(text)
    if not m or not (m[2] or m[3]):
        raise ValueError(f"无法识别的金额：{raw}")
    rest = text[m.end():]
    if rest:
        if rest not in _UNITS:
            raise ValueError(f"无法识别的金额：{raw}")
        per = _UNITS[rest]
    try:
        number = Decimal((m[2] or "0").replace(",", "") + (m[3] or ""))
    except InvalidOperation:
        raise ValueError(f"无法识别的金额：{raw}") from None
    if m[1] == "-":
        number = -number
    return number * per
