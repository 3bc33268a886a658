"""The user's notices, newest first, by pages; opening a page marks the notices on it read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiuzhu.app.accounts.listing import page_of, query_without
from jiuzhu.app.accounts.models import Notification
from jiuzhu.app.accounts.policy import allow


@allow("home")
def notifications(request: HttpRequest) -> HttpResponse:
    page = page_of(request, Notification.objects.filter(recipient=request.user))
    notes = list(page.object_list)  # read before marking, so this page still shows which were new
    unread = [n.pk for n in notes if n.read_at is None]
    if unread:  # only what was shown: a notice on a later page stays unread until its page is opened
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "referrals/notifications.html",
                  {"notes": notes, "page": page, "paging": query_without(request, "page")})
