"""Error pages that say why, in Chinese first (403/404/500 are templates; the CSRF refusal is this view)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template.loader import render_to_string

# Django's reasons, in the users' words.
CSRF_REASONS = {
    "Origin checking failed": "请求的来源地址与本平台不一致（若经由反向代理访问，请管理员配置 JIUZHU_HTTPS 和 "
                              "JIUZHU_CSRF_TRUSTED_ORIGINS）",
    "CSRF cookie not set": "浏览器没有保存本平台的安全 Cookie，请允许 Cookie 后刷新页面重试",
    "CSRF token missing": "页面已过期，请刷新页面后重新提交",
    "CSRF token incorrect": "页面已过期，请刷新页面后重新提交",
    "Referer checking failed": "请求的来源地址与本平台不一致",
}


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    why = next((zh for en, zh in CSRF_REASONS.items() if reason.startswith(en)), "页面已过期或来源不明，请刷新后重试")
    html = render_to_string("403.html", {"exception": f"{why} / request refused (CSRF)"}, request=request)
    return HttpResponseForbidden(html)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer while a user name is locked out at this address (AXES_LOCKOUT_CALLABLE)."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    html = render_to_string("web/locked_out.html", {"failure_limit": settings.AXES_FAILURE_LIMIT,
                                                    "minutes": minutes}, request=request)
    return HttpResponse(html, status=429)
