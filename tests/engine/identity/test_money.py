"""Money: fen ↔ yuan text and 中文大写金额."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity.money import fen_to_capitals, fen_to_yuan, format_wan, format_yuan, yuan_to_fen


@pytest.mark.parametrize(
    ("fen", "text"),
    [(22000000, "220,000.00"), (0, "0.00"), (5, "0.05"), (123456789, "1,234,567.89"), (-150, "-1.50")],
)
def test_fen_to_yuan(fen: int, text: str) -> None:
    assert fen_to_yuan(fen) == text
    assert yuan_to_fen(text) == fen


def test_display_forms() -> None:
    assert fen_to_yuan(22000000, grouping=False) == "220000.00"
    assert format_yuan(22000000, symbol=True) == "¥220,000.00"
    assert format_yuan(3500000, unit=True) == "35,000.00元"
    assert format_yuan(None, empty="—") == "—"
    assert format_wan(22000000) == "22.00万元"
    assert yuan_to_fen("￥35000.5") == 3500050


@pytest.mark.parametrize("bad", ["", "3.5万", "1,23.00", "1.234", "abc"])
def test_yuan_to_fen_rejects_other_forms(bad: str) -> None:
    with pytest.raises(ValueError, match="金额格式不对"):
        yuan_to_fen(bad)


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_yuan_text_round_trips(fen: int) -> None:
    assert yuan_to_fen(fen_to_yuan(fen)) == fen
    assert yuan_to_fen(fen_to_yuan(fen, grouping=False)) == fen


@pytest.mark.parametrize(
    ("fen", "capitals"),
    [
        (22000000, "贰拾贰万元整"),
        (3500000, "叁万伍仟元整"),
        (10010000, "壹拾万零壹佰元整"),
        (100550, "壹仟零伍元伍角"),
        (5, "伍分"),
        (50, "伍角"),
        (32, "叁角贰分"),
        (0, "零元整"),
        (1000, "壹拾元整"),
        (1100, "壹拾壹元整"),
        (32504, "叁佰贰拾伍元零肆分"),
        (600714, "陆仟零柒元壹角肆分"),
        (140950, "壹仟肆佰零玖元伍角"),
        (168032, "壹仟陆佰捌拾元叁角贰分"),
        (10700053, "壹拾万柒仟元伍角叁分"),
        (100000, "壹仟元整"),
        (1000100, "壹万零壹元整"),
        (1005000, "壹万零伍拾元整"),
        (10000000000, "壹亿元整"),
        (10000000100, "壹亿零壹元整"),
        (10001000000, "壹亿零壹万元整"),
        (11000000100, "壹亿壹仟万零壹元整"),
        (-5000, "负伍拾元整"),
    ],
)
def test_capitals(fen: int, capitals: str) -> None:
    assert fen_to_capitals(fen) == capitals


def test_capitals_with_currency() -> None:
    assert fen_to_capitals(22000000, currency=True) == "人民币贰拾贰万元整"


@given(st.integers(min_value=0, max_value=10**15))
def test_capitals_are_well_formed(fen: int) -> None:
    text = fen_to_capitals(fen)
    assert "零零" not in text
    assert not text.startswith("零") or text == "零元整"
    assert text.endswith(("整", "角", "分"))
    assert text.endswith("整") == (fen % 100 == 0)
    assert "零元" not in text or fen == 0
