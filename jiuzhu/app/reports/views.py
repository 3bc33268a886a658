"""The leaders' dashboard: the 通报's figures and charts for a chosen quarter, and the two downloads."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.config.dates import today
from jiuzhu.app.reports import charts, export, tables, wording
from jiuzhu.app.reports.figures import compute
from jiuzhu.app.reports.periods import QUARTER_NAMES, current_quarter, default_start_year
from jiuzhu.engine.identity.calendar import CalendarYearUnknown


def _choice(request: HttpRequest) -> tuple[int, int, int]:
    """Year, quarter and start year from the query, else the current quarter; nonsense falls back too."""
    year, quarter = current_quarter(today())

    def number(name: str, default: int, low: int, high: int) -> int:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and low <= int(value) <= high else default

    year = number("year", year, 2000, 2100)
    quarter = number("quarter", quarter, 1, 4)
    since = number("since", min(default_start_year(), year), 2000, year)
    return year, quarter, since


@allow("report.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    year, quarter, since = _choice(request)
    try:
        fig = compute(year, quarter, start_year=since, today=today())
    except CalendarYearUnknown as err:
        return render(request, "reports/dashboard.html", {
            "year": year, "quarter": quarter, "since": since, "quarters": QUARTER_NAMES.items(),
            "error": f"{err.year}年的法定节假日安排未知，无法计算工作日，请数据管理员补充。"})
    shown = [{"title": t.title, "headers": t.headers, "rows": [[tables.display(c) for c in row] for row in t.rows]}
             for t in tables.all_tables(fig)]
    return render(request, "reports/dashboard.html", {
        "fig": fig, "title": wording.document_title(fig), "year": year, "quarter": quarter, "since": since,
        "quarters": QUARTER_NAMES.items(), "overall": wording.overall(fig), "clue_line": wording.clues(fig),
        "timeliness": wording.timeliness(fig), "overdue_line": wording.overdue_units(fig),
        "any_overdue": any(row.referrals_overdue for row in fig.this_quarter.units.values()),
        "follow_up_line": wording.follow_ups(fig), "tables": shown, "charts": charts.for_dashboard(fig),
        "money_chart": charts.money_by_quarter(fig),
    })


@allow("report.view")
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in export.FORMATS:
        raise Http404("没有这种格式")
    year, quarter, since = _choice(request)
    try:
        fig = compute(year, quarter, start_year=since, today=today())
    except CalendarYearUnknown as err:
        messages.error(request, f"{err.year}年的法定节假日安排未知，无法计算工作日，请数据管理员补充。")
        return redirect(f"{reverse('reports:dashboard')}?year={year}&quarter={quarter}&since={since}")
    data = export.render(fig, fmt)
    audit.record(request, "export", object_type="reports.quarterly", object_id=f"{year}Q{quarter}",
                 detail={"format": fmt, "since": since})
    response = HttpResponse(data, content_type=export.content_type(fmt))
    response["Content-Disposition"] = _attachment(export.file_name(fig, fmt))
    return response


def _attachment(name: str) -> str:
    ascii_name = "quarterly-report." + name.rsplit(".", 1)[-1]
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
