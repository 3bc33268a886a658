"""Phone numbers: an 11-digit mobile (``13812345678``) or a landline with its area code (``0598-1234567``).

``parse_phone`` gives the normalised form — mobiles as 11 digits, landlines as ``区号-号码`` —
or raises ``ValueError`` with a Chinese reason.
"""

from __future__ import annotations

import re
from decimal import Decimal

from jiuzhu.engine.identity import pseudonyms

_FULLWIDTH = str.maketrans("０１２３４５６７８９－（）＋", "0123456789-()+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes: 010, 02x (3 digits) or 0 + 3 digits; local numbers have 7 or 8 digits.
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))-?([2-9]\d{6,7})")


def parse_phone(value: object) -> str:
    if value is None or isinstance(value, bool):
        raise ValueError("电话为空" if value is None else f"不是电话号码：{value}")
    if isinstance(value, int | float | Decimal):
        if value != int(value):
            raise ValueError(f"不是电话号码：{value}")
        text = str(int(value))
    else:
        text = str(value).translate(_FULLWIDTH)
    text = re.sub(r"[\s\u3000]", "", text)
    if not text:
        raise ValueError("电话为空")
    if text[0] == "T" and pseudonyms.is_phone(text):  # `jiuzhu pseudonymize` wrote it
        return text
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    text = re.sub(r"^(?:\+86|0086|86(?=-?1[3-9]\d{9}$))-?", "", text)
    text = re.sub(r"^\((0\d{2,3})\)", r"\1-", text)
    if _MOBILE.fullmatch(digits := text.replace("-", "")):
        return digits
    if m := _LANDLINE.fullmatch(text):
        return f"{m[1]}-{m[2]}"
    if re.fullmatch(r"[2-9]\d{6,7}", text):
        raise ValueError(f"固定电话缺少区号：{value}")
    raise ValueError(f"不是有效的手机号或带区号的固定电话：{value}")
