"""Working days on the statutory calendar, with 调休 and the override table."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity.calendar import (
    CalendarYearUnknown,
    add_working_days,
    is_working_day,
    known_years,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-01-26", True),  # Sunday, 春节 make-up day
        ("2025-02-08", True),  # Saturday, 春节 make-up day
        ("2025-01-28", False),  # 除夕
        ("2025-02-04", False),
        ("2025-09-28", True),  # Sunday, 国庆 make-up day
        ("2025-10-11", True),  # Saturday, 国庆 make-up day
        ("2025-10-09", True),
        ("2025-10-12", False),  # an ordinary Sunday
        ("2025-10-13", True),  # an ordinary Monday
        ("2026-02-14", True),  # Saturday, 2026 春节 make-up day
        ("2026-02-16", False),
        ("2026-01-04", True),  # Sunday, 元旦 make-up day
        ("2026-05-09", True),  # Saturday, 劳动节 make-up day
        ("2026-10-10", True),  # Saturday, 国庆 make-up day
        ("2026-10-07", False),
    ],
)
def test_fixed_points(day: str, working: bool) -> None:
    assert is_working_day(date.fromisoformat(day)) is working


def test_national_day_2025_is_eight_days_off() -> None:
    days = [date(2025, 10, 1) + timedelta(days=i) for i in range(8)]
    assert [is_working_day(d) for d in days] == [False] * 8


def test_deadlines() -> None:
    # A 5-working-day limit starting 2025-09-30: 10-09, 10-10, 10-11 (调休), 10-13, 10-14.
    assert add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 10, 14), 0) == date(2025, 10, 14)
    assert add_working_days(date(2025, 10, 14), -5) == date(2025, 9, 30)
    assert add_working_days(datetime(2025, 9, 30, 23, 59), 5) == date(2025, 10, 14)
    # Started on a holiday: counting begins with the next working day.
    assert add_working_days(date(2025, 10, 3), 1) == date(2025, 10, 9)


def test_between() -> None:
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 14)) == 5
    assert working_days_between(date(2025, 10, 14), date(2025, 9, 30)) == -5
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 1, 1), date(2025, 1, 1)) == 0
    # 2025: 261 weekdays - 18 weekday holidays + 5 make-up days (1-26, 2-8, 4-27, 9-28, 10-11).
    assert working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 248


@given(
    st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 6, 30)), st.integers(min_value=0, max_value=60)
)
def test_add_and_between_agree(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert n == 0 or is_working_day(end)


def test_unknown_year_is_a_clear_error() -> None:
    with pytest.raises(CalendarYearUnknown, match="2028年的法定节假日安排未知") as caught:
        is_working_day(date(2028, 1, 4))
    assert caught.value.year == 2028
    with pytest.raises(CalendarYearUnknown):
        add_working_days(date(2027, 12, 25), 10)
    assert known_years() == list(range(2004, 2028))


def test_2027_is_provisional_from_the_statutory_holidays() -> None:
    # Until the State Council publishes 2027's 放假安排, the shipped table holds the statutory days
    # of 《全国年节及纪念日放假办法》 with weekend days made up on the next weekdays (no 调休 known).
    assert not is_working_day(date(2027, 1, 1))  # 元旦, a Friday
    assert [is_working_day(date(2027, 2, d)) for d in (4, 5, 8, 9, 10, 11)] == [True, False, False, False, False, True]
    assert not is_working_day(date(2027, 10, 5)) and is_working_day(date(2027, 10, 6))
    assert add_working_days(date(2026, 12, 25), 10) == date(2027, 1, 11)


def test_override_table_in_home(tmp_path, monkeypatch) -> None:
    (tmp_path / "calendar_overrides.csv").write_text(
        "date,kind,note\n2027-01-01,holiday,元旦\n2027-02-06,workday,调休\n2025-10-13,holiday,correction\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 2, 6))  # a Saturday worked
    assert is_working_day(date(2027, 1, 4))  # a Monday: the year is known now
    assert not is_working_day(date(2027, 1, 2))  # a Saturday
    assert not is_working_day(date(2025, 10, 13))  # the administrator's table wins
    assert 2027 in known_years()


def test_override_table_rejects_unknown_kinds(tmp_path, monkeypatch) -> None:
    (tmp_path / "calendar_overrides.csv").write_text("date,kind\n2027-01-01,off\n", encoding="utf-8")
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    with pytest.raises(ValueError, match="第2行: 类型应为 holiday（休）或 workday（班），这里是“off”"):
        is_working_day(date(2027, 1, 1))


def test_a_correction_in_a_package_year_keeps_the_rest_of_that_year(tmp_path, monkeypatch) -> None:
    (tmp_path / "calendar_overrides.csv").write_text("date,kind,note\n2025-10-13,holiday,correction\n",
                                                     encoding="utf-8")
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    assert not is_working_day(date(2025, 10, 13))
    assert not is_working_day(date(2025, 10, 1))  # 国庆 still comes from the package
    assert is_working_day(date(2025, 9, 28))  # and so does its 调休 Sunday


def test_the_administrators_year_replaces_the_shipped_estimate(tmp_path, monkeypatch) -> None:
    # The shipped 2027 estimate has 2027-02-09 off; the official list entered here does not.
    assert not is_working_day(date(2027, 2, 9))
    (tmp_path / "calendar_overrides.csv").write_text(
        "date,kind,note\n2027-02-10,holiday,春节\n2027-02-20,workday,调休\n", encoding="utf-8")
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    assert is_working_day(date(2027, 2, 9))
    assert not is_working_day(date(2027, 2, 10))
    assert is_working_day(date(2027, 2, 20))
    assert is_working_day(date(2027, 1, 1)) is True  # the estimate's 元旦 is gone with it (a Friday)
