"""Money: integer 分 (fen) ↔ yuan text, and 中文大写金额 for decisions and payment forms.

Capitals follow 中国人民银行《支付结算办法》附件《正确填写票据和结算凭证的基本规定》:
``壹拾`` for a leading ten, one ``零`` for each run of zeros inside the number, ``元整`` when the
amount stops at 元, nothing after 角 (``伍角``), ``零`` before 分 when 角 is zero (``元零伍分``).
"""

from __future__ import annotations

import re

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def fen_to_yuan(fen: int, *, grouping: bool = True) -> str:
    """``22000000`` → ``"220,000.00"``; ``-5`` → ``"-0.05"``; ``grouping=False`` → ``"220000.00"``."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    whole = f"{yuan:,}" if grouping else str(yuan)
    return f"{sign}{whole}.{cents:02d}"


def format_yuan(fen: int | None, *, symbol: bool = False, unit: bool = False, empty: str = "") -> str:
    """Display form: ``¥220,000.00`` (symbol) or ``220,000.00元`` (unit); ``empty`` for None."""
    if fen is None:
        return empty
    text = fen_to_yuan(fen)
    return ("¥" if symbol else "") + text + ("元" if unit else "")


def format_wan(fen: int, digits: int = 2) -> str:
    """Amounts in 万元 for reports: ``22000000`` → ``"22.00万元"``."""
    return f"{fen / 1_000_000:.{digits}f}万元"


_YUAN_TEXT = re.compile(r"^(-)?[¥￥]?(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d{1,2}))?元?$")


# The largest amount the platform takes anywhere (1亿元): no grant, benefit or loss comes near it, and every
# amount stays far inside the database's integers, so a typo or an attack gets a clear refusal, not a crash.
MAX_AMOUNT_FEN = 100_000_000_00


def amount_problem(fen: int | None) -> str:
    """Why `fen` cannot be an amount (Chinese, then English), or '' when it can."""
    if fen is None:
        return ""
    if fen < 0:
        return "金额不能为负数 / the amount cannot be negative"
    if fen > MAX_AMOUNT_FEN:
        return (f"金额不能超过 {fen_to_yuan(MAX_AMOUNT_FEN)} 元 / "
                f"the amount cannot exceed {fen_to_yuan(MAX_AMOUNT_FEN)} yuan")
    return ""


def yuan_to_fen(text: str) -> int:
    """The inverse of :func:`fen_to_yuan` / :func:`format_yuan` (``"¥220,000.00"`` → ``22000000``).

    Only the forms this module writes; the intake amount parser reads what registries send."""
    m = _YUAN_TEXT.match(str(text).strip())
    if not m:
        raise ValueError(f"金额格式不对: {text!r}")
    sign, whole, cents = m.groups()
    fen = int(whole.replace(",", "")) * 100 + int((cents or "0").ljust(2, "0"))
    return -fen if sign else fen


def _group(n: int) -> str:
    """0 < n < 10000 → capitals, inner zero runs as one 零, trailing zeros dropped."""
    out, zero = [], False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[d] + _SMALL_UNITS[pos])
    return "".join(out)


def _yuan_capitals(yuan: int) -> str:
    groups = []
    while yuan:
        yuan, g = divmod(yuan, 10_000)
        groups.append(g)
    if len(groups) > len(_BIG_UNITS):
        raise ValueError("金额过大")
    out, pending_zero = [], False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            pending_zero = bool(out)
            continue
        # A zero between groups (壹拾万零壹佰) or a group with fewer than four digits after a
        # higher one (壹万零伍拾) is read as one 零.
        if out and (pending_zero or g < 1000):
            out.append("零")
        out.append(_group(g) + _BIG_UNITS[i])
        pending_zero = False
    return "".join(out)


def fen_to_capitals(fen: int, *, currency: bool = False) -> str:
    """中文大写金额: ``22000000`` → ``贰拾贰万元整``; ``10010000`` → ``壹拾万零壹佰元整``;
    ``100550`` → ``壹仟零伍元伍角``; ``5`` → ``伍分``; ``0`` → ``零元整``.
    ``currency=True`` prefixes ``人民币``. Negative amounts get ``负``."""
    fen = int(fen)
    sign = "负" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    jiao, fen_digit = divmod(rest, 10)
    text = _yuan_capitals(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    if fen_digit:
        text += ("零" if yuan and not jiao else "") + _DIGITS[fen_digit] + "分"
    if not jiao and not fen_digit:
        text = (text or "零元") + "整"
    return ("人民币" if currency else "") + sign + text
