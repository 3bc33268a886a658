"""Working days on the statutory calendar (法定节假日 and 调休 make-up working days).

Sources, first match wins:
1. ``$JIUZHU_HOME/calendar_overrides.csv`` — the administrator's table, when present;
2. ``data/calendar_overrides.csv`` — shipped with the code;
3. the chinesecalendar package (its data covers 2004–2026 in version 1.11).

An override table lists only exceptions, one row per date: ``date,kind,note`` with kind
``holiday`` (a weekday off) or ``workday`` (a weekend day worked, 调休). A year with at least one
row in an override table counts as known; other days of it follow the week (Mon–Fri work).
When the State Council publishes a new year's 放假安排 before chinesecalendar does, add every
holiday and make-up day of that year to the table. A date whose year neither source knows
raises :class:`CalendarYearUnknown` rather than guessing.

Counting follows 民事诉讼法 期间 rules: the starting day does not count. A limit of *n*
working days starting on day *d* ends at the end of ``add_working_days(d, n)``.
"""

from __future__ import annotations

import csv
import os
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar

_SHIPPED = Path(__file__).parent / "data" / "calendar_overrides.csv"


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
def _read_overrides(path: str, mtime: float) -> dict[date, bool]:
    """date → is a working day. ``mtime`` makes an edited file be read again."""
    out: dict[date, bool] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            kind = (row.get("kind") or "").strip()
            if kind not in ("holiday", "workday"):
                raise ValueError(f"{path} 第{line}行: kind 应为 holiday 或 workday，这里是 {kind!r}")
            out[date.fromisoformat(row["date"].strip())] = kind == "workday"
    return out


def _override_files() -> list[Path]:
    files = []
    home = os.environ.get("JIUZHU_HOME")
    if home and (Path(home) / "calendar_overrides.csv").is_file():
        files.append(Path(home) / "calendar_overrides.csv")
    files.append(_SHIPPED)
    return files


def _overrides() -> tuple[dict[date, bool], frozenset[int]]:
    merged: dict[date, bool] = {}
    for path in reversed(_override_files()):  # the administrator's file wins
        if path.is_file():
            merged.update(_read_overrides(str(path), path.stat().st_mtime))
    return merged, frozenset(d.year for d in merged)


def _as_date(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def known_years() -> list[int]:
    """The years whose statutory calendar is known (package and override tables)."""
    return sorted(_package_years() | _overrides()[1])


def _working(d: date, table: dict[date, bool], years: frozenset[int]) -> bool:
    if d in table:
        return table[d]
    if d.year in years:
        return d.weekday() < 5
    if d.year in _package_years():
        return chinese_calendar.is_workday(d)
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
