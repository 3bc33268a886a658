"""Lists that scale: paging, sorting by a whitelisted column, and the same rows as a formula-safe Excel file.

A list view describes its columns once (`Column`); the page shows one page of rows sorted as asked, the
export (`?format=xlsx`) every row the filters select, in the same order, audited by the caller."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from jiuzhu.app.accounts import audit
from jiuzhu.engine.cells import safe_cell  # the one formula guard

PER_PAGE = 50
EXPORT_LIMIT = 100_000  # one sheet; beyond this the filters must narrow it
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    label: str  # the header, in Chinese
    value: Callable[[object], object]  # the cell for one row (export)
    sort: str = ""  # the ORM ordering field; empty = not sortable
    key: str = ""  # the ?sort= name


def sorted_by(request: HttpRequest, qs: QuerySet, columns: Sequence[Column], default: str) -> tuple[QuerySet, str]:
    """Order by ?sort=key or ?sort=-key when key names a sortable column; else by `default` (a sort value)."""
    wanted = request.GET.get("sort", "") or default
    key = wanted.lstrip("-")
    by_key = {c.key: c for c in columns if c.sort and c.key}
    if key not in by_key:
        wanted, key = default, default.lstrip("-")
    field = by_key[key].sort
    descending = wanted.startswith("-")
    return qs.order_by(f"-{field}" if descending else field, "-pk" if descending else "pk"), wanted


def page_of(request: HttpRequest, qs: QuerySet | Sequence, per_page: int | None = None, *,
            param: str = "page") -> Page:
    """The page ?page=N (or ?{param}=N) asks for: the last page when N is past it, the first when N is not a
    number. `per_page` defaults to PER_PAGE, read at the call."""
    paginator = Paginator(qs, per_page or PER_PAGE)
    number = request.GET.get(param)
    if isinstance(qs, QuerySet) and (number is None or number.strip() in ("", "1")):
        return first_page(paginator)
    return paginator.get_page(number)


def first_page(paginator: Paginator) -> Page:
    """Page 1 of a queryset, its rows read first: when they are fewer than a page they are all the rows, and
    the paginator's count is theirs instead of a COUNT query (most lists of a person's work fit on a page)."""
    rows = list(paginator.object_list[:paginator.per_page])
    if len(rows) < paginator.per_page:
        paginator.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
    return Page(rows, 1, paginator)


@dataclass(frozen=True)
class Section:
    """One of several paged lists on one page, each with its own ?{param}=N; web/_pager.html takes
    page=s.page paging=s.paging param=s.param."""

    page: Page
    paging: str  # the query string without this section's page number
    param: str

    @property
    def rows(self) -> list:
        return list(self.page.object_list)

    @property
    def total(self) -> int:
        return self.page.paginator.count


def section(request: HttpRequest, rows: QuerySet | Sequence, param: str = "page") -> Section:
    """`rows` paged by ?{param}=N, the other sections' page numbers and filters kept in its links."""
    return Section(page_of(request, rows, param=param), query_without(request, param, "format"), param)


def query_without(request: HttpRequest, *names: str) -> str:
    """The current filters as a query string without `names` (for sort and page links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def export(request: HttpRequest, qs: QuerySet, columns: Sequence[Column], *, title: str,
           object_type: str) -> HttpResponse:
    """The filtered, sorted rows as `title`-YYYYMMDD.xlsx, audited as an export with the count and filters."""
    audit.record(request, "export", object_type=object_type,
                 detail={"count": qs.count(), "filters": query_without(request, "format", "page")})
    return xlsx_response(title, columns, qs.iterator(chunk_size=500), f"{title}-{timezone.localdate():%Y%m%d}.xlsx")


def shown_page(request: HttpRequest, qs: QuerySet, sort: str, *, object_type: str) -> tuple[Page, dict]:
    """One page of `qs`, its view audited, and what the list templates need (web/_pager.html, _sort.html,
    _list_tools.html): page, total, sort, the filters f, and query strings without sort/page."""
    page = page_of(request, qs)
    audit.record(request, "view", object_type=object_type, detail={"count": page.paginator.count, "page": page.number})
    return page, {"page": page, "total": page.paginator.count, "sort": sort, "f": request.GET,
                  "filters": query_without(request, "sort", "page", "format"),
                  "paging": query_without(request, "page", "format")}


def listed(request: HttpRequest, qs: QuerySet, columns: Sequence[Column], default_sort: str, *, title: str,
           object_type: str) -> HttpResponse | tuple[Page, dict]:
    """A list view's whole job but its rows: sorted; with ?format=xlsx the export (returned as the
    response), else one page and the template context (see `shown_page`)."""
    qs, sort = sorted_by(request, qs, columns, default_sort)
    if request.GET.get("format") == "xlsx":
        return export(request, qs, columns, title=title, object_type=object_type)
    return shown_page(request, qs, sort, object_type=object_type)


def xlsx_response(title: str, columns: Sequence[Column], rows: Iterable[object], filename: str) -> HttpResponse:
    """Every row as one sheet: Chinese headers, text cells formula-safe, ID-like digits kept as text."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([c.label for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, obj in enumerate(rows):
        if n >= EXPORT_LIMIT:
            break
        ws.append([safe_cell(c.value(obj)) for c in columns])
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
