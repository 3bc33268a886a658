"""/api/: one NinjaAPI; each part adds its router here. OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import django_auth

from jiuzhu.app.api import cases, referrals, v1, views

api = NinjaAPI(title="救助 API", version="1", auth=django_auth, urls_namespace="api",
               description="司法救助与社会救助衔接平台。登录后以会话访问；每个单位只能看到本单位参与的移送和案件。")


@api.exception_handler(ValidationError)
def _bad_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """400 naming each bad field and why (ninja's default is a bare 422)."""
    problems = [f"{'.'.join(str(p) for p in e.get('loc', ())[2:] or e.get('loc', ()))}：{e.get('msg', '')}"
                for e in exc.errors]
    return api.create_response(request, {"detail": f"请求参数不对 / bad input: {'；'.join(problems)}"}, status=400)


api.add_router("/", referrals.router)
api.add_router("/cases", cases.router)

# /api/v1/: the token API of api.md (partner systems); /api/: the session API of the pages.
tokens = ([path("", views.token_list, name="list"), path("<int:pk>/revoke/", views.token_revoke, name="revoke")],
          "api_tokens")
urlpatterns = [path("v1/", v1.api.urls), path("tokens/", include(tokens)), path("", api.urls)]
