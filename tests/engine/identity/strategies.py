"""Hypothesis strategies shared by the identity tests."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from jiuzhu.engine.identity.divisions import county_codes
from jiuzhu.engine.identity.idcard import make_id

counties = st.sampled_from(county_codes())
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def valid_ids(draw, births=births) -> str:
    return make_id(draw(counties), draw(births), draw(sequences))
