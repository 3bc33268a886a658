from __future__ import annotations

from django.http import HttpRequest

from jiuzhu.app.accounts.access import profile_of


def current_profile(request: HttpRequest) -> dict:
    return {"profile": profile_of(getattr(request, "user", None))}
