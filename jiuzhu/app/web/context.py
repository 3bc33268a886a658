from __future__ import annotations

from django.http import HttpRequest

from jiuzhu.app.web.menu import menu_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"nav": menu_for(user) if user is not None else []}
