"""URL root. Each app with a `urls` module is mounted at its own prefix; web serves the root."""

from __future__ import annotations

import importlib.util

from django.contrib import admin
from django.urls import include, path

from jiuzhu.app.ops.views import healthz

admin.site.site_header = "救助 · 数据管理"
admin.site.site_title = "救助"
admin.site.index_title = "数据管理"

_MOUNTED = ("accounts", "clues", "persons", "casework", "referrals", "reports", "registries", "api")

urlpatterns = [path("admin/", admin.site.urls), path("healthz", healthz, name="healthz")]


def _has_urls(app: str) -> bool:
    try:
        return importlib.util.find_spec(f"jiuzhu.app.{app}.urls") is not None
    except ModuleNotFoundError:  # the app package itself is not there (yet)
        return False


for _app in _MOUNTED:
    if _has_urls(_app):
        urlpatterns.append(path(f"{_app}/", include(f"jiuzhu.app.{_app}.urls")))
urlpatterns.append(path("", include("jiuzhu.app.web.urls")))
