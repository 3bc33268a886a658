from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity.dates import from_excel_serial, parse_date

D = date(2025, 10, 1)


@pytest.mark.parametrize("text", ["2025-10-01", "2025/10/1", "2025.10.01", "2025年10月1日", "20251001",
                                  "2025-10-01 00:00:00", "２０２５－１０－０１", " 2025 年 10 月 1 日 ", "45931"])
def test_every_written_form(text):
    assert parse_date(text) == D


def test_cells():
    assert parse_date(D) == D
    assert parse_date(datetime(2025, 10, 1, 8, 30)) == D
    assert parse_date(45931.0) == D  # Excel serial
    assert parse_date(45931.75) == D  # serial with a time of day
    assert parse_date(20251001) == D  # yyyymmdd typed as a number
    assert from_excel_serial(1) == date(1900, 1, 1)


def test_month_only_for_birth_month():
    assert parse_date("1988年7月", month_only=True) == date(1988, 7, 1)
    assert parse_date("198807", month_only=True) == date(1988, 7, 1)
    assert parse_date(198807, month_only=True) == date(1988, 7, 1)
    assert parse_date("1988-07", month_only=True) == date(1988, 7, 1)
    assert parse_date("1988.7", month_only=True) == date(1988, 7, 1)
    with pytest.raises(ValueError, match="无法识别"):
        parse_date("1988年7月")


@pytest.mark.parametrize(("value", "reason"), [
    ("2025-02-30", "日期不存在"), ("2025年13月1日", "日期不存在"), ("20250230", "日期不存在"),
    ("1700-01-01", "年份不合理"), ("明天", "无法识别"), ("", "日期为空"), (None, "日期为空"), (0, "Excel日期序号"),
    ("198813", "无法识别"), (float("inf"), "不是日期"),
])
def test_impossible_dates_have_a_chinese_reason(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(value)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)))
def test_round_trip_every_form(d):
    for text in (d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日", d.strftime("%Y%m%d"),
                 f"{d:%Y.%m.%d}"):
        assert parse_date(text) == d
    assert parse_date((d - date(1899, 12, 30)).days) == d
