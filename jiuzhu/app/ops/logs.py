"""Structured logs: one JSON object per line, to stderr or `JIUZHU_LOG_FILE`, never to a command's stdout.

Every line carries the request id, user id and unit of the request it was written in (a context
variable set by `RequestLogMiddleware`). Personal data stays out: the request line names the URL
*pattern* (`clues/<int:pk>/`), never the path or query string (a search may hold a name), and any
ID-number-like run of digits in a message or traceback is replaced before it is written.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("jiuzhu_log_context", default=None)
# 18-digit ID numbers (and 15-digit old ones), as digits or with a final X; phone-like runs too
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|1\d{10})(?![0-9A-Za-z])")
FIELDS = ("request_id", "user_id", "unit", "method", "route", "status", "duration_ms", "job_id", "kind", "counts")
_SHANGHAI = ZoneInfo("Asia/Shanghai")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def scrub(text: str) -> str:
    return ID_LIKE.sub("[已隐去]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": datetime.fromtimestamp(record.created, _SHANGHAI).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "msg": scrub(record.getMessage())}
        line.update(_context.get() or {})
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """One `jiuzhu.request` line per request: id, user, unit, method, URL pattern, status, duration."""

    log = logging.getLogger("jiuzhu.request")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _context.set({"request_id": request_id})
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            context = {**(_context.get() or {}), **_who(request)}
            _context.set(context)
            response["X-Request-ID"] = request_id
            match = getattr(request, "resolver_match", None)
            self.log.info("request", extra={
                **context, "method": request.method, "route": match.route if match else "(unmatched)",
                "status": response.status_code, "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
            return response
        finally:
            _context.reset(token)


def _who(request) -> dict:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    # here, not at the top: settings imports this module, before the models can load (access imports them)
    from jiuzhu.app.accounts.access import profile_of

    profile = profile_of(user)
    return {"user_id": user.pk, "unit": profile.unit.code if profile else ""}


def logging_config(log_file: str = "", level: str = "INFO") -> dict:
    handler = ({"class": "logging.handlers.WatchedFileHandler", "filename": log_file, "formatter": "json"}
               if log_file else {"class": "logging.StreamHandler", "formatter": "json"})  # stderr
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"main": handler},
        "root": {"handlers": ["main"], "level": "WARNING"},
        "loggers": {
            "jiuzhu.request": {"level": level, "handlers": ["main"], "propagate": False},
            "jiuzhu.ops": {"level": "INFO", "handlers": ["main"], "propagate": False},
            "jiuzhu.app.jobs": {"level": "INFO", "handlers": ["main"], "propagate": False},  # the worker's jobs
        },
    }
