"""工作日历: the data administrator keeps the statutory calendar every time limit counts on.

The table lives in ``$JIUZHU_HOME/calendar_overrides.csv`` (shared by the web server, the
commands and the engine); this page only reads and replaces it, through ``calendar_table``.
Each change is audited with the year's rows before and after.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.config.dates import today
from jiuzhu.engine.identity.calendar import known_years, year_exceptions
from jiuzhu.engine.identity.calendar_table import (
    KIND_WORDS,
    CalendarTableError,
    merge,
    parse_entry,
    parse_table,
    read_admin_table,
    update_admin_table,
)

MAX_UPLOAD_BYTES = 200_000
WEEKDAYS = "一二三四五六日"


def _year_of(value: str | None, default: int) -> int:
    try:
        year = int(value or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _rows(entries, years: set[int]) -> list[dict]:
    return [{"date": e.day.isoformat(), "kind": e.kind, "note": e.note} for e in entries if e.day.year in years]


def _replace(request: HttpRequest, changes, replace_years: bool, removed: date | None = None) -> None:
    years = {e.day.year for e in changes} | ({removed.year} if removed else set())
    current, updated = update_admin_table(
        lambda rows: merge([e for e in rows if e.day != removed], changes, replace_years))
    audit.record(request, "update", object_type="calendar", object_id=",".join(str(y) for y in sorted(years)),
                 before={"rows": _rows(current, years)}, after={"rows": _rows(updated, years)})


@allow("settings")
def calendar_page(request: HttpRequest) -> HttpResponse:
    this_year = today().year
    year = _year_of(request.GET.get("year"), this_year)
    known = known_years()
    try:
        days = [{"date": d, "weekday": WEEKDAYS[d.weekday()], "word": "班" if working else "休", "note": note,
                 "source": source} for d, working, note, source in year_exceptions(year)]
        table_error = ""
    except CalendarTableError as err:  # the file was edited by hand and is broken: say where
        days, table_error = [], str(err)
    estimated = any(d["note"].startswith("预估") for d in days)
    audit.record(request, "view", object_type="calendar", object_id=str(year))
    return render(request, "casework/calendar.html", {
        "year": year, "years": sorted(set(known) | {this_year, this_year + 1, year}), "known": year in known,
        "days": days, "estimated": estimated, "table_error": table_error, "kind_words": KIND_WORDS,
    })


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('casework:calendar')}?year={year}")


@require_POST
@allow("settings")
def calendar_add(request: HttpRequest) -> HttpResponse:
    year = _year_of(request.POST.get("year"), today().year)
    try:
        entry = parse_entry(request.POST.get("date", ""), request.POST.get("kind", ""), request.POST.get("note", ""))
        _replace(request, [entry], replace_years=False)
    except CalendarTableError as err:
        messages.error(request, f"未保存：{err}")
        return _back(year)
    messages.success(request, f"已登记 {entry.day}（{KIND_WORDS[entry.kind]}）")
    return _back(entry.day.year)


@require_POST
@allow("settings")
def calendar_remove(request: HttpRequest) -> HttpResponse:
    year = _year_of(request.POST.get("year"), today().year)
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        messages.error(request, "未删除：日期格式不对 (bad date)")
        return _back(year)
    if day not in {e.day for e in read_admin_table()}:
        messages.error(request, f"未删除：{day} 不是管理员登记的日期，国家日历数据包和预估的日期不能在这里删除")
        return _back(year)
    _replace(request, [], replace_years=False, removed=day)
    messages.success(request, f"已删除 {day} 的登记")
    return _back(day.year)


@require_POST
@allow("settings")
def calendar_upload(request: HttpRequest) -> HttpResponse:
    year = _year_of(request.POST.get("year"), today().year)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "未导入：请选择 CSV 文件 (no file)")
        return _back(year)
    if upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, f"未导入：{upload.name} 太大（{upload.size} 字节），日历表不应超过 200 KB")
        return _back(year)
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # a table saved by Excel on a Chinese Windows
        except UnicodeDecodeError:
            messages.error(request, f"未导入：{upload.name} 不是 UTF-8 或 GBK 编码的文本文件")
            return _back(year)
    try:
        entries = parse_table(text, upload.name)
    except CalendarTableError as err:
        messages.error(request, f"未导入，整个文件都没有生效：{err}")
        return _back(year)
    if not entries:
        messages.error(request, f"未导入：{upload.name} 没有数据行")
        return _back(year)
    _replace(request, entries, replace_years=True)
    years = sorted({e.day.year for e in entries})
    messages.success(request, f"已导入 {len(entries)} 行，{'、'.join(map(str, years))}年的登记已整体替换")
    return _back(years[0])
