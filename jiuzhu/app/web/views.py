"""The home page: what each user has to do today, by role — counts that open their lists."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.web.menu import menu_for
from jiuzhu.app.web.workday import tiles_for


@allow("home")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"menu": menu_for(request.user), "tiles": tiles_for(request.user)})
