"""The administrator's calendar table: read, check and write ``calendar_overrides.csv``.

The table lists only exceptions to the week, one row per date (``date,kind,note``; kind
``holiday`` = a weekday off, ``workday`` = a weekend day worked, 调休). ``calendar.py`` counts
with it; this module is what the data administrator's page and the tests use to change it.
Every row is checked before anything is written, and the file is replaced in one step, so a
deadline is never counted on a half-written table.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

FILE_NAME = "calendar_overrides.csv"
KINDS = {"holiday": False, "workday": True}
KIND_WORDS = {"holiday": "休", "workday": "班"}  # as the State Council's notices say it
# Synonyms an administrator may type in a spreadsheet saved as CSV.
_KIND_SYNONYMS = {"holiday": "holiday", "休": "holiday", "放假": "holiday", "节假日": "holiday",
                  "workday": "workday", "班": "workday", "上班": "workday", "调休上班": "workday"}
# The headers as an administrator writes them in Chinese, as the page's own table says them.
_HEADER_SYNONYMS = {"日期": "date", "类型": "kind", "休/班": "kind", "休班": "kind", "说明": "note", "备注": "note"}


@dataclass(frozen=True)
class CalendarEntry:
    day: date
    working: bool  # True: a weekend day worked (调休); False: a weekday off
    note: str = ""

    @property
    def kind(self) -> str:
        return "workday" if self.working else "holiday"


class CalendarTableError(ValueError):
    """A row of a calendar table that cannot be taken; says where and why."""


def admin_table_path() -> Path:
    """``$JIUZHU_HOME/calendar_overrides.csv`` (JIUZHU_HOME defaults to ``./var`` as in home.py)."""
    return _resolved(os.environ.get("JIUZHU_HOME", "var"), os.getcwd())


@lru_cache(maxsize=8)
def _resolved(home: str, cwd: str) -> Path:
    # resolve() reads every folder of the path: once per home and working folder, not on each due date a
    # page counts (it asks for the table each time, to see an edit at once)
    return Path(home).resolve() / FILE_NAME


def parse_entry(day_text: str, kind_text: str, note: str = "", where: str = "") -> CalendarEntry:
    """One row → an entry, or :class:`CalendarTableError` naming ``where`` and the reason."""
    prefix = f"{where}: " if where else ""
    try:
        day = date.fromisoformat((day_text or "").strip())
    except ValueError:
        raise CalendarTableError(
            f"{prefix}日期“{day_text}”不是 YYYY-MM-DD 格式的日期 (date must be YYYY-MM-DD)") from None
    kind = _KIND_SYNONYMS.get((kind_text or "").strip())
    if kind is None:
        raise CalendarTableError(
            f"{prefix}类型应为 holiday（休）或 workday（班），这里是“{kind_text}” "
            "(kind must be holiday or workday)"
        )
    working = KINDS[kind]
    # An exception must differ from the plain week, or the row says nothing (and hides a typo).
    if working and day.weekday() < 5:
        raise CalendarTableError(
            f"{prefix}{day} 是星期{'一二三四五'[day.weekday()]}，本来就上班，"
            "不能登记为调休上班日 (a weekday is already a working day)"
        )
    if not working and day.weekday() >= 5:
        raise CalendarTableError(
            f"{prefix}{day} 是周末，本来就休息，不需登记为放假日 (a weekend day is already off)"
        )
    return CalendarEntry(day, working, (note or "").strip())


def parse_table(text: str, source: str = FILE_NAME) -> list[CalendarEntry]:
    """A whole table's text → entries sorted by date; every bad row is reported, none taken."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [(h or "").strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = [_HEADER_SYNONYMS.get(h, h) for h in headers]
    missing = {"date", "kind"} - set(reader.fieldnames)
    if missing:
        said = "、".join({"date": "日期 (date)", "kind": "类型 (kind)"}[m] for m in sorted(missing))
        raise CalendarTableError(
            f"{source}: 缺少表头 {said}（表头应为 日期,类型,说明 或 date,kind,note）"
            " (header must be date,kind,note)"
        )
    entries: dict[date, CalendarEntry] = {}
    errors = []
    for row in reader:
        line = reader.line_num  # the file's own line number (blank lines are skipped, not counted)
        row = {(k or "").strip(): v for k, v in row.items()}
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        try:
            entry = parse_entry(
                row.get("date", ""), row.get("kind", ""), row.get("note") or "", where=f"{source} 第{line}行"
            )
        except CalendarTableError as err:
            errors.append(str(err))
            continue
        if entry.day in entries:
            errors.append(f"{source} 第{line}行: {entry.day} 重复登记 (date listed twice)")
            continue
        entries[entry.day] = entry
    if errors:
        raise CalendarTableError("\n".join(errors))
    return sorted(entries.values(), key=lambda e: e.day)


def format_table(entries: list[CalendarEntry]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["date", "kind", "note"])
    for e in sorted(entries, key=lambda e: e.day):
        w.writerow([e.day.isoformat(), e.kind, e.note])
    return out.getvalue()


def read_admin_table(path: Path | None = None) -> list[CalendarEntry]:
    path = path or admin_table_path()
    if not path.is_file():
        return []
    return parse_table(path.read_text(encoding="utf-8-sig"), path.name)


def write_admin_table(entries: list[CalendarEntry], path: Path | None = None) -> Path:
    """Replace the administrator's table in one step (write a temporary file, then rename)."""
    path = path or admin_table_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".calendar-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(format_table(entries))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def merge(
    current: list[CalendarEntry], changes: list[CalendarEntry], replace_years: bool = False
) -> list[CalendarEntry]:
    """``changes`` over ``current``; with ``replace_years`` the years ``changes`` touch are replaced
    whole (an uploaded year's 放假安排 is the complete list for that year)."""
    years = {e.day.year for e in changes} if replace_years else set()
    kept = {e.day: e for e in current if e.day.year not in years}
    kept.update({e.day: e for e in changes})
    return sorted(kept.values(), key=lambda e: e.day)


def update_admin_table(
    change: Callable[[list[CalendarEntry]], list[CalendarEntry]], path: Path | None = None
) -> tuple[list[CalendarEntry], list[CalendarEntry]]:
    """Read, change and write the table under a lock (two administrators saving at once must not
    lose a row); returns the rows before and after."""
    path = path or admin_table_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        before = read_admin_table(path)
        after = change(before)
        write_admin_table(after, path)
    return before, after
