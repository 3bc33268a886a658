"""Property tests: generated valid numbers validate, 15 → 18 round-trips, corrupted floats never validate."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity.idcard import (
    birth_date,
    check_digit,
    division_code,
    is_valid,
    normalise_id,
    parse_id,
    sex,
    upgrade_15,
)

from .strategies import births, counties, sequences, valid_ids

twentieth_century = st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31))


@given(valid_ids())
def test_generated_numbers_validate(id18: str) -> None:
    assert is_valid(id18)
    parsed = parse_id(id18)
    assert (parsed.status, parsed.number, parsed.reason) == ("valid", id18, None)


@given(counties, births, sequences)
def test_derived_facts_are_those_encoded(code: str, born: date, seq: int) -> None:
    first17 = f"{code}{born:%Y%m%d}{seq:03d}"
    id18 = parse_id(first17 + check_digit(first17)).number
    assert id18 is not None
    assert birth_date(id18) == born
    assert division_code(id18) == code
    assert sex(id18) == ("男" if seq % 2 else "女")


@given(counties, twentieth_century, sequences)
def test_15_digit_numbers_round_trip_to_18(code: str, born: date, seq: int) -> None:
    id15 = f"{code}{born:%y%m%d}{seq:03d}"
    id18 = upgrade_15(id15)
    assert id18[:6] + id18[8:17] == id15
    assert id18[6:8] == "19"
    assert is_valid(id18)
    assert normalise_id(id15) == id18
    assert normalise_id(int(id15)) == id18  # 15 digits survive a number cell


@given(valid_ids())
def test_messy_text_normalises(id18: str) -> None:
    fullwidth = id18.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    spaced = f" {id18[:6]} {id18[6:14]} {id18[14:].lower()}\u3000"
    assert normalise_id(fullwidth) == id18
    assert normalise_id(spaced) == id18
    assert normalise_id("'" + id18) == id18


@given(valid_ids().filter(lambda s: not s.endswith("X")))
def test_a_float_never_validates(id18: str) -> None:
    as_float = float(int(id18))
    assert parse_id(as_float).status == "corrupted"
    assert parse_id(float(id18[:15] + "000")).status == "corrupted"  # what Excel keeps
    for text in (repr(as_float), f"{as_float:.5E}", f"{as_float:.14e}", f"{as_float:.1f}"):
        parsed = parse_id(text)
        assert parsed.status == "corrupted", text
        assert parsed.number is None


@given(valid_ids())
def test_excel_fifteen_significant_digits_never_validate(id18: str) -> None:
    truncated = id18[:15] + "000"
    parsed = parse_id(truncated)
    if truncated == id18 or check_digit(truncated[:17]) == truncated[17]:
        assert parsed.status == "valid"  # indistinguishable from a real number: the spec's rule
    else:
        assert parsed.status == "corrupted"


@given(valid_ids(), st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=9))
def test_one_changed_digit_is_caught(id18: str, pos: int, delta: int) -> None:
    digits = list(id18)
    if digits[pos] == "X":
        digits[pos] = "0"
    else:
        digits[pos] = str((int(digits[pos]) + delta) % 10)
    changed = "".join(digits)
    assert parse_id(changed).status in {"invalid", "corrupted"}
