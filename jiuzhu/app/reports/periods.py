"""The three spans a 通报 reports on: the quarter, the year to the quarter's end, and since a start year."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The seed article counts "2022年以来"; a county sets JIUZHU_REPORT_START_YEAR (or passes --since).
DEFAULT_START_YEAR = 2022
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def default_start_year() -> int:
    value = os.environ.get("JIUZHU_REPORT_START_YEAR", "").strip()
    return int(value) if value.isdigit() else DEFAULT_START_YEAR


@dataclass(frozen=True)
class Period:
    """Dates `start`..`end`, both included, Asia/Shanghai."""

    key: str  # quarter / year / since
    label: str  # 本季度, 今年以来, 2022年以来
    start: date
    end: date

    def has(self, d: date | None) -> bool:
        return d is not None and self.start <= d <= self.end

    def begins_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=SHANGHAI)

    def ends_before(self) -> datetime:
        """The first moment after the period (for `< ` filters on timestamps)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=SHANGHAI)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    if quarter not in QUARTER_NAMES:
        raise ValueError(f"季度应为1–4，这里是 {quarter}")
    first_month = 3 * (quarter - 1) + 1
    start = date(year, first_month, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, first_month + 3, 1)
    return start, end - timedelta(days=1)


def periods_of(year: int, quarter: int, start_year: int) -> tuple[Period, Period, Period]:
    if start_year > year:
        raise ValueError(f"起始年度{start_year}晚于通报年度{year}")
    q_start, q_end = quarter_bounds(year, quarter)
    return (
        Period("quarter", "本季度", q_start, q_end),
        Period("year", "今年以来", date(year, 1, 1), q_end),
        Period("since", f"{start_year}年以来", date(start_year, 1, 1), q_end),
    )


def local_date(moment: datetime | None) -> date | None:
    """The Asia/Shanghai calendar date of a stored timestamp."""
    if moment is None:
        return None
    return moment.astimezone(SHANGHAI).date() if moment.tzinfo else moment.date()


def current_quarter(today: date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1
