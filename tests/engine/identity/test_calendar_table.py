"""The administrator's calendar table: every bad row said, nothing half-written."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity.calendar_table import (
    CalendarEntry,
    CalendarTableError,
    format_table,
    merge,
    parse_entry,
    parse_table,
    read_admin_table,
    write_admin_table,
)


def test_synonyms_of_the_kind() -> None:
    assert parse_entry("2027-02-20", "班").working is True  # a Saturday
    assert parse_entry("2027-02-10", "放假").working is False  # a Wednesday
    assert parse_entry(" 2027-02-10 ", " holiday ", " 春节 ").note == "春节"


@pytest.mark.parametrize(("day", "kind", "message"), [
    ("2027/02/10", "holiday", "日期“2027/02/10”不是 YYYY-MM-DD 格式的日期"),
    ("2027-02-30", "holiday", "日期“2027-02-30”不是 YYYY-MM-DD 格式的日期"),
    ("2027-02-10", "off", "类型应为 holiday（休）或 workday（班），这里是“off”"),
    ("2027-02-10", "workday", "2027-02-10 是星期三，本来就上班"),
    ("2027-02-20", "holiday", "2027-02-20 是周末，本来就休息"),
])
def test_bad_entries_say_why(day: str, kind: str, message: str) -> None:
    with pytest.raises(CalendarTableError, match=message):
        parse_entry(day, kind, where="x")


def test_every_bad_row_is_reported_and_none_taken() -> None:
    text = "date,kind,note\n2027-02-10,holiday,a\n2027-02-11,bad,b\n\n2027-02-10,holiday,c\n2027-13-01,holiday,d\n"
    with pytest.raises(CalendarTableError) as err:
        parse_table(text, "上传.csv")
    assert str(err.value).splitlines() == [
        "上传.csv 第3行: 类型应为 holiday（休）或 workday（班），这里是“bad” (kind must be holiday or workday)",
        "上传.csv 第5行: 2027-02-10 重复登记 (date listed twice)",
        "上传.csv 第6行: 日期“2027-13-01”不是 YYYY-MM-DD 格式的日期 (date must be YYYY-MM-DD)",
    ]


def test_missing_header() -> None:
    said = r"缺少表头 类型 \(kind\)（表头应为 日期,类型,说明 或 date,kind,note）"
    with pytest.raises(CalendarTableError, match=said):
        parse_table("date,种类\n2027-02-10,holiday\n", "t.csv")


def test_chinese_headers() -> None:
    """The page's own words for the columns are headers too: 日期,类型,说明 (or 休/班, 备注)."""
    assert parse_table("日期,类型,说明\n2027-02-10,休,春节\n2027-02-20,班,\n", "t.csv") == [
        CalendarEntry(date(2027, 2, 10), False, "春节"),
        CalendarEntry(date(2027, 2, 20), True, ""),
    ]
    got = parse_table(" 日期 ,休/班,备注\n2027-02-10,holiday,x\n", "t.csv")
    assert got == [CalendarEntry(date(2027, 2, 10), False, "x")]


def test_write_and_read_back(tmp_path) -> None:
    path = tmp_path / "calendar_overrides.csv"
    entries = [CalendarEntry(date(2027, 2, 20), True, "调休"), CalendarEntry(date(2027, 2, 10), False, "春节")]
    write_admin_table(entries, path)
    assert read_admin_table(path) == sorted(entries, key=lambda e: e.day)
    assert path.read_text(encoding="utf-8") == "date,kind,note\n2027-02-10,holiday,春节\n2027-02-20,workday,调休\n"
    assert [p.name for p in tmp_path.iterdir()] == ["calendar_overrides.csv"]  # no temporary file left


def test_merge_replaces_whole_years_of_an_upload() -> None:
    current = [CalendarEntry(date(2027, 2, 9), False, "预估"), CalendarEntry(date(2028, 1, 3), False, "x")]
    upload = [CalendarEntry(date(2027, 2, 10), False, "春节")]
    assert merge(current, upload, replace_years=True) == [upload[0], current[1]]
    assert merge(current, upload) == [current[0], upload[0], current[1]]


@st.composite
def entries(draw) -> list[CalendarEntry]:
    days = draw(st.sets(st.dates(date(2004, 1, 1), date(2099, 12, 31)), max_size=30))
    notes = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12).map(str.strip)
    return [CalendarEntry(d, d.weekday() >= 5, draw(notes)) for d in days]


@given(entries())
def test_format_then_parse_is_identity(es: list[CalendarEntry]) -> None:
    assert parse_table(format_table(es)) == sorted(es, key=lambda e: e.day)


@given(st.dates(date(2004, 1, 1), date(2099, 12, 31)))
def test_only_real_exceptions_are_accepted(d: date) -> None:
    weekend = d.weekday() >= 5
    assert parse_entry(d.isoformat(), "workday" if weekend else "holiday").working is weekend
    with pytest.raises(CalendarTableError):
        parse_entry(d.isoformat(), "holiday" if weekend else "workday")
