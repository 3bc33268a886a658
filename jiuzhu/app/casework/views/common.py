"""Loading a case with its object-level check, and running a step with its error shown."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from jiuzhu.app.accounts.access import deny
from jiuzhu.app.casework import access
from jiuzhu.app.casework.models import Case
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.engine.identity.calendar import CalendarYearUnknown


def visible_case(request: HttpRequest, pk: int) -> Case:
    case = get_object_or_404(Case, pk=pk)
    if not access.can_view(request.user, case):
        raise deny(request, "casework.case", str(pk))
    return case


def checked_case(request: HttpRequest, pk: int, check: Callable) -> Case:
    """The case, if the user may open it and `check(user, case)` lets them do this step."""
    case = visible_case(request, pk)
    if not check(request.user, case):
        raise deny(request, "casework.case", str(pk))
    return case


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
