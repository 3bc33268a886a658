"""The home page: what each user has to do today, by role — counts that open their lists."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.app.accounts.notices import unread_count_of
from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.web.workday import tiles_for


@allow("home")
def home(request: HttpRequest) -> HttpResponse:
    # the function tiles are the menu the navigation context processor already built (``nav``)
    return render(request, "web/home.html", {"tiles": tiles_for(request.user, unread=unread_count_of(request))})
