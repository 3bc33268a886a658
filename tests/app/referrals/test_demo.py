"""`jiuzhu demo` cooperation data: liaisons for 民政, 残联 and 教育, referrals in several states, one overdue."""

from __future__ import annotations

from collections import Counter

import pytest

from jiuzhu.app.accounts.models import Notification
from jiuzhu.app.config.models import ResponsibilityList
from jiuzhu.app.referrals.models import PlanItem, Referral

pytestmark = pytest.mark.django_db


def test_populate(units):
    from jiuzhu.app.accounts.demo import create_demo_users
    from jiuzhu.app.referrals import demo

    create_demo_users()
    demo.populate()
    states = Counter(Referral.objects.values_list("state", flat=True))
    assert states == {"sent": 3, "received": 1, "in_progress": 1, "answered": 1, "returned": 1}
    assert [r.to_unit.code for r in Referral.objects.all() if r.is_overdue()] == ["education"]
    assert Referral.objects.get(to_unit__code="education").receipt_overdue_at is not None
    assert Notification.objects.filter(key__startswith="overdue", recipient__username="jcg_zhang").count() == 1
    answered = Referral.objects.get(state="answered")
    assert (answered.kind, answered.monthly_amount_fen) == ("child_care", 189100)
    assert PlanItem.objects.get(kind="child_care").state == "done"
    assert {u.username for u in ResponsibilityList.objects.get(unit__code="civil_affairs").liaisons.all()} == {
        "mz_liaison"
    }
    assert ResponsibilityList.objects.get(unit__code="civil_affairs").leader.username == "mz_leader"
    by_unit = Counter(Referral.objects.values_list("to_unit__code", flat=True))
    assert {"civil_affairs", "disability_federation", "education"} <= set(by_unit)
    demo.populate()  # a second run adds nothing
    assert Referral.objects.count() == 7


def test_populate_after_casework_demo_uses_open_cases_and_their_handlers(units):
    import importlib.util

    if not importlib.util.find_spec("jiuzhu.app.casework.demo"):
        pytest.skip("casework demo not there")
    from jiuzhu.app.accounts.demo import create_demo_users
    from jiuzhu.app.casework import demo as casework_demo
    from jiuzhu.app.casework.models import OPEN_CASE_STATES
    from jiuzhu.app.referrals import access as referral_access
    from jiuzhu.app.referrals import demo

    create_demo_users()
    casework_demo.populate()
    demo.populate()
    for referral in Referral.objects.exclude(case=None):
        assert referral.case.state in OPEN_CASE_STATES
        assert referral.sender == referral.case.handler
        assert referral_access.may_see_referral(referral.sender, referral)
    assert Referral.objects.filter(state="sent").count() == 3
