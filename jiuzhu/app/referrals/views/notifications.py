"""The user's notices; opening the list marks them read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiuzhu.app.accounts.policy import allow
from jiuzhu.app.referrals.models import Notification


@allow("home")
def notifications(request: HttpRequest) -> HttpResponse:
    notes = list(Notification.objects.filter(recipient=request.user)[:200])
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "referrals/notifications.html", {"notes": notes})
