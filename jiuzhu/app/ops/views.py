from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jiuzhu.app.ops.health import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the warehouse, the worker and the disk are well, else 503; no login, no personal data."""
    ok, checks = health()
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503,
                        json_dumps_params={"ensure_ascii": False})
