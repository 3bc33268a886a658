from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity.amounts import WAN, header_unit, parse_amount


@pytest.mark.parametrize(("value", "fen"), [
    ("30000", 3_000_000), ("30,000.00", 3_000_000), ("3万", 3_000_000), ("3.5万元", 3_500_000),
    ("¥30000", 3_000_000), ("￥3,000元", 300_000), ("３０００", 300_000), ("0.01", 1), ("1,234,567.89", 123_456_789),
    (30000, 3_000_000), (30000.0, 3_000_000), (0.1 + 0.2, 30), ("人民币500元", 50_000), ("0", 0),
])
def test_accepted_forms(value, fen):
    assert parse_amount(value) == fen


def test_header_unit_applies_to_bare_numbers():
    assert header_unit("救助金额(元)") == ("救助金额", Decimal(1))
    assert header_unit("未履行金额（万元）") == ("未履行金额", WAN)
    assert header_unit("救助金额") == ("救助金额", None)
    assert parse_amount("3.5", unit=WAN) == 3_500_000
    assert parse_amount(2, unit=WAN) == 2_000_000
    assert parse_amount("500元", unit=WAN) == 50_000  # a unit in the cell wins over the header's


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-100", "负数"),
        (-1.5, "负数"),
        ("-¥5", "负数"),
        ("0.001", "分以下"),
        ("abc", "无法识别"),
        ("3万美元", "无法识别"),
        ("", "金额为空"),
        (None, "金额为空"),
        ("1,23", "无法识别"),
        (float("inf"), "不是金额"),
        (float("nan"), "不是金额"),
    ],
)
def test_bad_amounts(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount(value)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _grouped(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


@given(st.integers(min_value=0, max_value=10**13))
def test_any_fen_value_round_trips_in_every_style(fen):
    yuan = _yuan(fen)
    assert parse_amount(yuan) == fen
    assert parse_amount(_grouped(fen)) == fen
    assert parse_amount(f"¥{yuan}") == fen
    assert parse_amount(f"{yuan}元") == fen
    assert parse_amount(Decimal(yuan)) == fen
    wan = Decimal(fen) / 1_000_000
    assert parse_amount(f"{wan}万") == fen
    assert parse_amount(f"{wan}万元") == fen
    assert parse_amount(str(wan), unit=WAN) == fen
    if fen < 10**15 // 100:  # what a spreadsheet number cell holds exactly (15 significant digits)
        assert parse_amount(float(yuan)) == fen
