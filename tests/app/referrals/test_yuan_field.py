"""The answer form's amounts: 元 as typed → integer 分, exactly, or a Chinese error."""

from __future__ import annotations

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.app.referrals.forms import YuanField
from jiuzhu.engine.identity.money import MAX_AMOUNT_FEN, fen_to_yuan

FIELD = YuanField(required=False)


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_FEN))
def test_any_amount_in_yuan_round_trips_to_fen(fen):
    assert FIELD.clean(fen_to_yuan(fen)) == fen
    assert FIELD.clean(fen_to_yuan(fen, grouping=False) + "元") == fen


@given(st.integers(min_value=MAX_AMOUNT_FEN + 1, max_value=10**30))
def test_amounts_beyond_the_bound_are_refused(fen):
    with pytest.raises(forms.ValidationError, match="金额不能超过"):
        FIELD.clean(fen_to_yuan(fen))


@pytest.mark.parametrize(("typed", "fen"), [("1891", 189100), ("1,891.5", 189150), ("0.05", 5), ("", None)])
def test_examples(typed, fen):
    assert FIELD.clean(typed) == fen


@pytest.mark.parametrize("typed", ["-1", "1.234", "一千", "1e3x", "NaN", "Infinity", "sNaN"])
def test_refused(typed):
    with pytest.raises(forms.ValidationError):
        FIELD.clean(typed)
