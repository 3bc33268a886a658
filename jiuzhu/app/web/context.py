from __future__ import annotations

from django.http import HttpRequest

from jiuzhu.app.accounts.notices import unread_count_of
from jiuzhu.app.web.menu import menu_for


def navigation(request: HttpRequest) -> dict:
    """The menu, with the one entry whose address is the longest prefix of this page marked on."""
    user = getattr(request, "user", None)
    items = menu_for(user) if user is not None else []
    path = getattr(request, "path", "")
    matches = [url for _, url in items if path.startswith(url)]
    current = max(matches, key=len) if matches else None
    unread = unread_count_of(request) if items else 0
    return {"nav": [(label, url, url == current) for label, url in items], "unread": unread}
