"""Fixed points for ID numbers, including the standard's own example."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from jiuzhu.engine.identity.idcard import (
    age_on,
    birth_date,
    check_digit,
    division_code,
    make_id,
    mask,
    normalise_id,
    parse_id,
    sex,
    upgrade_15,
)


def test_standard_example_is_valid() -> None:
    parsed = parse_id("11010519491231002X")
    assert parsed.status == "valid"
    assert parsed.number == "11010519491231002X"
    assert birth_date(parsed.number) == date(1949, 12, 31)
    assert sex(parsed.number) == "女"
    assert division_code(parsed.number) == "110105"
    assert check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("cell", "status", "number"),
    [
        ("11010519491231002x", "valid", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "valid", "11010519491231002X"),
        (" 110105 19491231 002X ", "valid", "11010519491231002X"),
        ("110105491231002", "valid", "11010519491231002X"),
        (110105491231002, "valid", "11010519491231002X"),
        (110105491231002.0, "valid", "11010519491231002X"),
        ("110105491231002.0", "valid", "11010519491231002X"),
        (None, "empty", None),
        ("", "empty", None),
        ("   ", "empty", None),
        ("3.50425198801011E+17", "corrupted", None),
        ("3.50425E+17", "corrupted", None),
        (3.50425198801011e17, "corrupted", None),
        (Decimal("350425198801011000"), "corrupted", None),
        ("350425198801011000", "corrupted", None),
        ("350425198801011234.0", "corrupted", None),
        ("110105194912310021", "invalid", None),
        ("110105194913310021", "invalid", None),
        ("11010519491231002", "invalid", None),
        ("1101051949123100211", "invalid", None),
        ("身份证", "invalid", None),
        ("110105491331002", "invalid", None),
        (True, "invalid", None),
        (1.5, "invalid", None),
    ],
)
def test_cells(cell: object, status: str, number: str | None) -> None:
    parsed = parse_id(cell)
    assert (parsed.status, parsed.number) == (status, number)
    assert (parsed.reason is None) == (status in {"valid", "empty"})
    assert normalise_id(cell) == number


def test_reasons_are_chinese() -> None:
    assert parse_id("110105194912310021").reason == "身份证号码校验位不符"
    assert parse_id("3.50425E+17").reason == "身份证号码被Excel存为科学计数法，后几位已丢失"
    assert parse_id("123").reason == "身份证号码应为18位或15位，这里是3位"


def test_an_exact_integer_is_a_real_number() -> None:
    # A reader that kept the integer exactly (no float on the way) loses nothing.
    assert parse_id(350425198801011233).status == "invalid"  # wrong check digit, not corrupted
    real = make_id("350425", date(1988, 1, 1), 123)
    assert real == "350425198801011232"
    assert parse_id(int(real)).number == real


def test_birth_dates_in_the_future_or_before_1850_are_invalid() -> None:
    tomorrow = date.today() + timedelta(days=1)
    assert parse_id(make_id("350425", tomorrow, 11)).status == "invalid"
    assert parse_id(make_id("350425", date(1849, 12, 31), 11)).status == "invalid"
    assert parse_id(make_id("350425", date(1850, 1, 1), 11)).status == "valid"


def test_upgrade_rejects_non_15_digit_text() -> None:
    with pytest.raises(ValueError, match="不是15位身份证号码"):
        upgrade_15("11010519491231002X")


def test_mask_keeps_region_and_last_four() -> None:
    assert mask("11010519491231002X") == "110105********002X"
    assert mask(None) == ""


def test_age_on() -> None:
    born = birth_date("11010519491231002X")
    assert age_on(born, date(2025, 12, 30)) == 75
    assert age_on(born, date(2025, 12, 31)) == 76
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
