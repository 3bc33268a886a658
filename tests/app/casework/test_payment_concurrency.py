"""Exactly-once payment with real concurrent connections: each thread has its own database
connection (Django opens one per thread), all released at the same moment by a barrier."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from jiuzhu.app.casework.models import Case, CaseState, Payment, TimelineEvent
from jiuzhu.app.casework.services import payment
from jiuzhu.app.casework.services.errors import CaseworkError

THREADS = 6


def _race(fn) -> list[str]:
    """Run `fn()` in THREADS threads at once; return 'ok' or the error message of each."""
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            fn()
            outcome = "ok"
        except CaseworkError as err:
            outcome = str(err)
        except Exception as err:  # noqa: BLE001 - a database error is a result to report here
            outcome = f"{type(err).__name__}: {err}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _one_winner(results: list[str], refusal: str, step) -> None:
    """One thread wins. On PostgreSQL the others wait for its lock and then read the refusal.
    SQLite's shared in-memory test database cannot wait: any thread there may fail with
    "database table is locked" (even the first), so at most one wins, and when none did the
    step is taken once more alone — there is still never a second payment."""
    losers = [r for r in results if r != "ok"]
    if connection.vendor == "postgresql":
        assert results.count("ok") == 1, results
        assert losers == [refusal] * (THREADS - 1)
        return
    assert results.count("ok") <= 1, results
    assert all(r == refusal or r.startswith("OperationalError: database table is locked") for r in losers), losers
    if "ok" not in results:
        step()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_and_payments_give_one_payment(case_at, people):
    case = case_at("granted")
    pk, erin = case.pk, people["erin"]

    def request() -> None:
        payment.request_funds(Case.objects.get(pk=pk), by=erin, on=date(2025, 10, 9))

    def pay() -> None:
        payment.record_paid(Case.objects.get(pk=pk), by=erin, method="bank", receipt_no="R-1", on=date(2025, 10, 10))

    _one_winner(_race(request), "只有决定救助、尚未申请资金的案件可以申请资金", request)
    assert Payment.objects.filter(case_id=pk).count() == 1

    payment.record_received(Case.objects.get(pk=pk), by=erin, on=date(2025, 10, 9))
    _one_winner(_race(pay), "该案件救助金已发放，不能重复发放", pay)
    assert Payment.objects.get(case_id=pk).state == "paid"
    assert Case.objects.get(pk=pk).state == CaseState.PAID
    assert TimelineEvent.objects.filter(case_id=pk, kind="paid").count() == 1
    assert TimelineEvent.objects.filter(case_id=pk, kind="funds_requested").count() == 1
    assert Case.objects.get(pk=pk).follow_ups.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_give_one_opinion_per_level(case_at, people):
    from jiuzhu.app.casework.models import Approval
    from jiuzhu.app.casework.services import approval

    case = case_at("approving")
    pk, bob = case.pk, people["bob"]

    def sign() -> None:
        approval.decide_level(Case.objects.get(pk=pk), by=bob, agreed=True, opinion="同意")

    _one_winner(_race(sign), "本级审批应由分管副检察长审批办理", sign)
    assert list(Approval.objects.filter(case_id=pk).values_list("level", flat=True)) == [1]
    assert TimelineEvent.objects.filter(case_id=pk, kind="approval").count() == 1
