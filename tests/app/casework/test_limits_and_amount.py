"""Limits come from configuration rows; the amount proposal keeps its rules for any input."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.app.casework.services import amount
from jiuzhu.app.casework.services.acceptance import accept_case
from jiuzhu.app.config.dates import due_from
from jiuzhu.app.config.models import TimeLimit
from tests.fixtures.cases import ACCEPTED_ON


@pytest.mark.django_db
def test_changed_limit_row_changes_new_due_dates(people):
    TimeLimit.objects.filter(code="case_review").update(working_days=3)
    case = accept_case(by=people["alice"], handler=people["alice"], person_name="王五", category="other",
                       on=ACCEPTED_ON)
    assert case.review_due == date(2025, 9, 30)  # Sun 28 (调休), Mon 29, Tue 30


@pytest.mark.django_db
def test_every_default_limit_is_seeded():
    ours = TimeLimit.objects.exclude(code__startswith="referral_").exclude(code="plan_item")
    assert dict(ours.values_list("code", "working_days")) == {
        "clue_verify": 5, "case_review": 10, "approval_target": 7, "case_decide": 2, "funds_request": 5,
        "funds_notify": 2, "funds_pay": 5, "follow_up_first": 0, "urgent_paperwork": 10, "case_close": 10}
    assert TimeLimit.objects.get(code="follow_up_first").months == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "days", "due"), [
    (date(2025, 9, 30), 2, date(2025, 10, 10)),   # 国庆 + 中秋 2025: 1–8 Oct off
    (date(2025, 9, 26), 1, date(2025, 9, 28)),    # Sunday 28 Sep is a 调休 working day
    (date(2026, 2, 13), 2, date(2026, 2, 24)),    # 春节 2026: Sat 14 Feb worked, 15–23 Feb off
    (date(2026, 2, 24), 4, date(2026, 2, 28)),    # Sat 28 Feb 2026 is worked
    (date(2025, 1, 24), 3, date(2025, 2, 5)),     # 春节 2025: Sun 26 Jan worked, Mon 27, 28 Jan–4 Feb off
])
def test_working_day_limits_across_holidays(start, days, due):
    TimeLimit.objects.filter(code="funds_notify").update(working_days=days)
    assert due_from("funds_notify", start) == due


BASE = amount.Base(2024, "三明市", 780_000)
fen = st.integers(min_value=0, max_value=10**10)


@given(loss=fen, judged=st.none() | fen, received=fen)
def test_proposal_never_above_cap_or_need_and_in_hundreds(loss, judged, received):
    p = amount.propose(loss_fen=loss, judged_compensation_fen=judged, compensation_received_fen=received, base=BASE)
    need = amount.need_fen(loss_fen=loss, judged_compensation_fen=judged, compensation_received_fen=received)
    assert 0 <= p <= min(need, BASE.cap_fen)
    assert p % 10_000 == 0
    assert min(need, BASE.cap_fen) - p < 10_000
