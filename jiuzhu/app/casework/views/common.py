"""Loading a case with its object-level check, and running a step with its error shown."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from jiuzhu.app.accounts.policy import get_visible_or_404
from jiuzhu.app.casework.models import Case
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.engine.identity.calendar import CalendarYearUnknown


def visible_case(request: HttpRequest, pk: int, action: str = "case.view") -> Case:
    """The case, if the policy lets the user take `action` on it (404 / audited 403 otherwise)."""
    return get_visible_or_404(request, Case, pk, action)


def run_step(request: HttpRequest, case: Case, step: Callable[[], object], done: str) -> HttpResponse:
    try:
        step()
    except (CaseworkError, CalendarYearUnknown) as err:  # a year's holidays not yet entered: say so
        messages.error(request, str(err))
    else:
        messages.success(request, done)
    return redirect("casework:case_detail", pk=case.pk)


def form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
