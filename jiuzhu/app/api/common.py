"""What every router shares: refusing, audited, what the user may not see."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError

from jiuzhu.app.accounts.access import deny


def refuse(request: HttpRequest, what: str, object_id: str) -> HttpError:
    deny(request, what, object_id)  # writes the audit row
    return HttpError(403, "无权访问 / not allowed")
