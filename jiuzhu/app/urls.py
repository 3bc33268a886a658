"""URL root. Each app with pages is mounted at its own prefix; web serves the root."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from jiuzhu.app.ops.views import healthz

admin.site.site_header = "救助 · 数据管理"
admin.site.site_title = "救助"
admin.site.index_title = "数据管理"

_MOUNTED = ("accounts", "clues", "persons", "casework", "referrals", "reports", "registries", "api")

urlpatterns = [path("admin/", admin.site.urls), path("healthz", healthz, name="healthz")]
urlpatterns += [path(f"{app}/", include(f"jiuzhu.app.{app}.urls")) for app in _MOUNTED]
# 核查 on the clue pages is casework's (above clues), its paths under /clues/ all the same
urlpatterns.append(path("clues/", include("jiuzhu.app.casework.clue_urls")))
urlpatterns.append(path("", include("jiuzhu.app.web.urls")))
