"""名单批次 and 报送范围: the data administrator's pages (confirm a held batch, withdraw a batch, set which
registries each unit may send)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.listing import page_of, query_without
from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.registries import services
from jiuzhu.engine.api import BATCH_STATE_NAMES, BatchStateError, WarehouseBusy, warehouse_batches
from jiuzhu.engine.sources import SPECS
from jiuzhu.engine.units import UNIT_NAMES

PAGE_WAIT_SECONDS = 5.0  # a page does not hang while an import holds the warehouse
BUSY = "数据仓库正在导入名单，请稍后再试"


@allow("registry.manage")
def batches(request: HttpRequest) -> HttpResponse:
    rows: list[dict] = []
    try:
        rows = warehouse_batches(wait_seconds=PAGE_WAIT_SECONDS)
    except WarehouseBusy:
        messages.error(request, BUSY)
    page = page_of(request, rows)
    for b in page.object_list:
        b["unit_name"] = UNIT_NAMES.get(b["unit"], b["unit"])
        b["source_name"] = SPECS[b["source_type"]].title if b["source_type"] in SPECS else b["source_type"]
        b["state_name"] = "当前" if b["current"] else (
            "历史" if b["state"] == "imported" else BATCH_STATE_NAMES.get(b["state"], b["state"]))
    audit.record(request, "view", object_type="warehouse.batches", detail={"rows": len(rows), "page": page.number})
    return render(request, "registries/batches.html", {"batches": page.object_list, "page": page,
                                                       "paging": query_without(request, "page")})


def _change(request: HttpRequest, batch_id: str, op: str) -> HttpResponse:
    try:
        if op == "confirm":
            services.confirm(request, batch_id, by=request.user.get_username())
            messages.success(request, f"已确认批次 {batch_id}，已生效；已排队重新筛查")
        else:
            services.withdraw(request, batch_id, reason=request.POST.get("reason", ""),
                              by=request.user.get_username())
            messages.success(request, f"已撤回批次 {batch_id}，上一份名单恢复为当前；已排队重新筛查")
    except BatchStateError as err:
        messages.error(request, err.zh)
    except WarehouseBusy:
        messages.error(request, BUSY)
    return redirect("registries:batches")


@require_POST
@allow("registry.manage")
def confirm(request: HttpRequest, batch_id: str) -> HttpResponse:
    return _change(request, batch_id, "confirm")


@require_POST
@allow("registry.manage")
def withdraw(request: HttpRequest, batch_id: str) -> HttpResponse:
    return _change(request, batch_id, "withdraw")


@allow("registry.manage")
def agreements(request: HttpRequest) -> HttpResponse:
    units = list(Unit.objects.filter(active=True))
    if request.method == "POST":
        for unit in units:
            chosen = request.POST.getlist(f"unit-{unit.pk}")
            if chosen != services.allowed_sources(unit):
                services.set_sources(request, unit, chosen)
        messages.success(request, "报送范围已保存")
        return redirect("registries:agreements")
    table = [(unit, [(code, spec.title, code in set(services.allowed_sources(unit))) for code, spec in SPECS.items()])
             for unit in units]
    return render(request, "registries/agreements.html", {"table": table})
