"""Per-request security: idle sessions, who the audit trail names, and the headers every dynamic answer carries."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from jiuzhu.app.accounts import audit

RENEW_EVERY_SECONDS = 60
RENEWED_AT = "renewed_at"  # session key: when this session's end was last moved forward (epoch seconds)


class SessionRenewalMiddleware:
    """A signed-in session ends SESSION_COOKIE_AGE after it was last renewed; a request renews it when the last
    renewal is a minute old or more. Renewing on every page (SESSION_SAVE_EVERY_REQUEST) would write the session
    row on every page; this writes it once a minute of work, and a session ends 29–30 idle minutes after the
    last request instead of exactly 30."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        now = int(time.time())
        if session.session_key and now - session.get(RENEWED_AT, 0) >= RENEW_EVERY_SECONDS:
            session[RENEWED_AT] = now  # modified: SessionMiddleware saves it with a new end
        return self.get_response(request)


class AuditContextMiddleware:
    """Entries written without a request at hand (the change log, signals) name this request's user; every
    page or API answer that no view recorded is recorded here (audit.page_seen)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit.acting(request):
            response = self.get_response(request)
            if not request.path.startswith((settings.STATIC_URL, "/healthz")):
                audit.page_seen(request, response)
            return response


class SecurityHeadersMiddleware:
    """A CSP that allows only the platform's own files, and `Cache-Control: no-store` on every page and
    download it builds (they show people; a shared office computer must not keep them in its cache).
    Static files are answered before this middleware (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        if not request.path.startswith(settings.STATIC_URL) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response
