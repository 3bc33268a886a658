"""Working days on the statutory calendar (法定节假日 and 调休 make-up working days).

Sources:
1. the chinesecalendar package (its data covers 2004–2026 in version 1.11): the official
   放假安排 of the years it knows;
2. ``$JIUZHU_HOME/calendar_overrides.csv`` — the administrator's table (edited on the 工作日历
   page, ``calendar_table.py``): for a year the package knows, its rows correct single dates; for a
   year the package does not know, its rows are that year's whole 放假安排 and replace (1 row or
   more) the shipped estimate of the year;
3. ``data/calendar_overrides.csv`` — shipped with the code: provisional (预估) rows for years the
   package does not know yet, used only while the administrator has not entered that year.

An override table lists only exceptions, one row per date: ``date,kind,note`` with kind
``holiday`` (a weekday off) or ``workday`` (a weekend day worked, 调休). A year with at least one
row in an override table counts as known; other days of it follow the week (Mon–Fri work).
When the State Council publishes a new year's 放假安排 before chinesecalendar does, enter every
holiday and make-up day of that year. A date whose year no source knows raises
:class:`CalendarYearUnknown` rather than guessing.

Counting follows 民事诉讼法 期间 rules: the starting day does not count. A limit of *n*
working days starting on day *d* ends at the end of ``add_working_days(d, n)``.
"""

from __future__ import annotations

import os
import stat
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday

from jiuzhu.engine.identity.calendar_table import CalendarEntry, admin_table_path, parse_table

_SHIPPED = Path(__file__).parent / "data" / "calendar_overrides.csv"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today in Asia/Shanghai: the day limits are counted from and as-of dates are checked against, whatever
    the server's own clock zone."""
    return datetime.now(SHANGHAI).date()


class CalendarYearUnknown(ValueError):
    """The statutory calendar of this year is not known yet."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排未知：chinesecalendar 只覆盖 {_package_years_text()} 年，"
            f"请管理员在 calendar_overrides.csv 中补充{year}年的放假和调休安排"
            f" (statutory calendar for {year} unknown: add it to calendar_overrides.csv)"
        )


def _package_years_text() -> str:
    years = _package_years()
    return f"{min(years)}–{max(years)}"


@cache
def _package_years() -> frozenset[int]:
    return frozenset(d.year for d in chinese_calendar.holidays)


@cache
def _read_overrides(path: str, mtime: float) -> dict[date, CalendarEntry]:
    """date → the table's entry. ``mtime`` makes an edited file be read again."""
    text = Path(path).read_text(encoding="utf-8-sig")
    return {e.day: e for e in parse_table(text, Path(path).name)}


def _entries(path: Path) -> dict[date, CalendarEntry]:
    return _read_overrides(str(path), path.stat().st_mtime) if path.is_file() else {}


def _table(path: Path) -> dict[date, bool]:
    return {d: e.working for d, e in _entries(path).items()}


def _overrides() -> tuple[dict[date, bool], frozenset[int]]:
    """The merged exceptions and the years they know (read-only: shared between calls). Merged once per
    version of the administrator's table: a deadline list asks for every row it shows."""
    admin = admin_table_path()
    try:
        found = os.stat(admin)
    except OSError:
        found = None
    return _merged(str(admin), found.st_mtime_ns if found is not None and stat.S_ISREG(found.st_mode) else None)


@lru_cache(maxsize=4)
def _merged(admin_path: str, admin_mtime: int | None) -> tuple[dict[date, bool], frozenset[int]]:
    admin = _table(Path(admin_path))
    package = _package_years()
    admin_years = {d.year for d in admin}
    # The shipped estimate of a year counts only while neither the package nor the administrator knows it.
    merged = {
        d: w for d, w in _table(_SHIPPED).items() if d.year not in package and d.year not in admin_years
    }
    merged.update(admin)
    return merged, frozenset(d.year for d in merged)


def _as_date(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def known_years() -> list[int]:
    """The years whose statutory calendar is known (package and override tables)."""
    return sorted(_package_years() | _overrides()[1])


def _working(d: date, table: dict[date, bool], years: frozenset[int]) -> bool:
    if d in table:
        return table[d]
    if d.year in _package_years():  # chinese_calendar.is_workday, without its check of the year's range
        return d in chinese_calendar.workdays or (d.weekday() <= 4 and d not in chinese_calendar.holidays)
    if d.year in years:
        return d.weekday() < 5
    raise CalendarYearUnknown(d.year)


def is_working_day(d: date | datetime) -> bool:
    """A working day: Monday–Friday not a holiday, or a 调休 weekend day that is worked."""
    return _working(_as_date(d), *_overrides())


def add_working_days(d: date | datetime, n: int) -> date:
    """The *n*-th working day after ``d`` (``d`` itself never counts): the deadline of an
    *n*-working-day limit that starts on ``d``. ``n = 0`` gives ``d``; negative *n* counts back
    (the *|n|*-th working day before ``d``)."""
    d = _as_date(d)
    table, years = _overrides()
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        d += timedelta(days=step)
        if _working(d, table, years):
            left -= 1
    return d


def working_days_between(a: date | datetime, b: date | datetime) -> int:
    """Working days after ``a`` up to and including ``b`` (negative when ``b`` is before ``a``),
    so that ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 0``."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    table, years = _overrides()
    return sum(_working(a + timedelta(days=i), table, years) for i in range(1, (b - a).days + 1))


SOURCE_PACKAGE, SOURCE_ADMIN, SOURCE_SHIPPED = "国家日历数据包", "管理员登记", "随程序预估"
_HOLIDAY_NAMES = {h.value: h.chinese for h in Holiday}


def year_exceptions(year: int) -> list[tuple[date, bool, str, str]]:
    """The days of ``year`` that differ from the plain week, as counted now:
    (date, is a working day, note, source) — for the administrator's 工作日历 page."""
    table, _ = _overrides()
    admin = _entries(admin_table_path())
    notes = {d: e.note for d, e in (*_entries(_SHIPPED).items(), *admin.items())}
    out = {}
    if year in _package_years():
        for d, name in (*chinese_calendar.holidays.items(), *chinese_calendar.workdays.items()):
            working = d in chinese_calendar.workdays
            if d.year == year and (d.weekday() >= 5) == working:
                label = _HOLIDAY_NAMES.get(str(name), str(name))
                out[d] = (d, working, f"{label}调休上班" if working else label, SOURCE_PACKAGE)
    for d, working in table.items():
        if d.year == year:
            out[d] = (d, working, notes.get(d, ""), SOURCE_ADMIN if d in admin else SOURCE_SHIPPED)
    return [out[d] for d in sorted(out)]
