"""居民身份证号码 (GB 11643-1999): normalise, validate, upgrade 15 → 18, derive facts.

Status of a parsed cell:
- ``valid``: an 18-digit number whose check digit (ISO 7064 MOD 11-2) and birth date hold.
- ``empty``: nothing in the cell.
- ``corrupted``: Excel stored it as a number and lost digits (a number cell or scientific
  text with more than 15 significant digits, or 18 digits ending in ``000`` failing the check).
- ``invalid``: anything else that is not a usable number (wrong check digit, impossible date, …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from jiuzhu.engine.identity import pseudonyms

IdStatus = Literal["valid", "empty", "invalid", "corrupted"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")
_SCI = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


@dataclass(frozen=True)
class IdParse:
    raw: str
    status: IdStatus
    number: str | None = None  # normalised 18-digit form (upper-case X) when valid
    reason: str | None = None  # Chinese reason when not valid


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


EARLIEST_BIRTH = date(1850, 1, 1)  # nobody alive was born before


def _birth(digits8: str) -> date | None:
    try:
        d = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None
    # Nobody alive was born before 1850, and nobody is registered before being born.
    return d if EARLIEST_BIRTH <= d <= date.today() else None


def upgrade_15(id15: str) -> str:
    """Legacy 15-digit number → 18 digits: insert the century ``19`` and append the check digit."""
    if not re.fullmatch(r"\d{15}", id15):
        raise ValueError(f"不是15位身份证号码: {id15!r}")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_digit(first17)


def is_valid(id18: str) -> bool:
    return (
        bool(re.fullmatch(r"\d{17}[\dX]", id18))
        and check_digit(id18[:17]) == id18[17]
        and _birth(id18[6:14]) is not None
    )


def make_id(division_code: str, birth: date, sequence: int) -> str:
    """Build a valid 18-digit number (for synthetic data): sequence 0–999, odd = male."""
    first17 = f"{division_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def _number_cell(value: float | int | Decimal, raw: str) -> IdParse:
    """A number cell: Excel keeps 15 significant digits, so an 18-digit ID never survives."""
    try:
        dec = Decimal(str(value))
    except InvalidOperation:
        return IdParse(raw, "invalid", reason="身份证号码不是数字")
    if dec != dec.to_integral_value():
        return IdParse(raw, "invalid", reason="身份证号码含小数")
    digits = str(int(dec))
    if len(digits) == 15 or (len(digits) == 18 and isinstance(value, int)):
        # 15 digits survive a float; an exact integer (never a float) is still the real number.
        return replace(parse_id(digits), raw=raw)
    return IdParse(raw, "corrupted", reason="身份证号码被Excel存为数字，后几位已丢失")


def parse_id(value: object) -> IdParse:
    """Parse whatever a cell holds into an :class:`IdParse`."""
    if value is None:
        return IdParse("", "empty")
    if isinstance(value, bool):
        return IdParse(str(value), "invalid", reason="身份证号码格式不对")
    if isinstance(value, float | Decimal):
        return _number_cell(value, str(value))
    if isinstance(value, int):
        return _number_cell(value, str(value))
    raw = str(value)
    text = raw.translate(_FULLWIDTH)
    text = re.sub(r"[\s\u3000'‘’`]", "", text).upper()
    if not text:
        return IdParse(raw, "empty")
    if text[0] == "P" and pseudonyms.is_id(text):  # `jiuzhu pseudonymize` wrote it: valid, as the ID was
        return IdParse(raw, "valid", text)
    if _SCI.fullmatch(text):
        return IdParse(raw, "corrupted", reason="身份证号码被Excel存为科学计数法，后几位已丢失")
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
        if len(text) > 15:
            # A number cell printed as text: past 15 significant digits Excel already lost them.
            return IdParse(raw, "corrupted", reason="身份证号码被Excel存为数字，后几位已丢失")
    if re.fullmatch(r"\d{15}", text):
        if _birth("19" + text[6:12]) is None:
            return IdParse(raw, "invalid", reason="15位身份证号码出生日期不存在")
        return IdParse(raw, "valid", upgrade_15(text))
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return IdParse(raw, "invalid", reason=f"身份证号码应为18位或15位，这里是{len(text)}位")
    if _birth(text[6:14]) is None:
        return IdParse(raw, "invalid", reason="身份证号码中的出生日期不存在")
    if check_digit(text[:17]) != text[17]:
        if text.endswith("000"):
            return IdParse(raw, "corrupted", reason="身份证号码末三位为000且校验位不符，疑被Excel截断")
        return IdParse(raw, "invalid", reason="身份证号码校验位不符")
    return IdParse(raw, "valid", text)


def normalise_id(value: object) -> str | None:
    """The 18-digit form, or None when the cell holds no usable number."""
    return parse_id(value).number


def birth_date(id18: str) -> date:
    d = _birth(id18[6:14])
    if d is None:
        raise ValueError("身份证号码中的出生日期不存在")
    return d


def age_on(birth: date, on: date) -> int:
    """Age in whole years on a day (a person born on 29 February turns a year older on 1 March)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def sex(id18: str) -> Literal["男", "女"]:
    return "男" if int(id18[16]) % 2 else "女"


def division_code(id18: str) -> str:
    return id18[:6]


def mask(id18: str | None) -> str:
    """For display to roles that do not need the full number: ``350425********123X``."""
    if not id18:
        return ""
    return id18[:6] + "*" * (len(id18) - 10) + id18[-4:]
