"""Per-unit figures for the quarterly report: received, answered, returned, overdue, plan items done and open."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from jiuzhu.app.referrals.services import flow, plans
from jiuzhu.app.referrals.services.figures import UnitFigures, unit_figures
from jiuzhu.app.referrals.services.overdue import check_overdue
from tests.app.referrals.conftest import at

pytestmark = pytest.mark.django_db


def test_quarter_figures(alice, frank, grace, units, case):
    a = flow.send(alice, to_unit=units["civil_affairs"], kind="dibao", person_name="甲", facts="x", now=at(2025, 9, 30))
    flow.send(alice, to_unit=units["civil_affairs"], kind="tekun", person_name="乙", facts="x", now=at(2025, 10, 9))
    c = flow.send(alice, to_unit=units["disability_federation"], kind="rehabilitation", person_name="丙", facts="x",
                  now=at(2025, 10, 10))
    flow.send(
        alice, to_unit=units["civil_affairs"], kind="dibao", person_name="丁", facts="x", now=at(2025, 12, 31, 23)
    )
    flow.sign(frank, a, now=at(2025, 10, 9))
    flow.answer(frank, a, result="enrolled_dibao", monthly_amount_fen=60000, now=at(2025, 10, 20))
    flow.return_referral(grace, c, reason="不属本单位", now=at(2025, 10, 13))
    check_overdue(date(2025, 10, 20))  # 乙 unsigned since 9 Oct: due 14 Oct
    item = plans.add_item(alice, case, kind="dibao")
    plans.close_item(frank, item, state="done", result="已纳入", now=at(2025, 11, 3))
    plans.add_item(alice, case, kind="legal_aid")
    today = timezone.localdate()
    q4 = {f.unit_code: f for f in unit_figures(date(2025, 10, 1), max(today, date(2025, 12, 31)))}
    # overdue: 乙 (flagged) and 丁 (never signed, so late by the period's end even without the daily check)
    assert q4["civil_affairs"] == UnitFigures("civil_affairs", "民政局", 2, 1, 0, 2, 1, 0)
    assert q4["disability_federation"] == UnitFigures("disability_federation", "残联", 1, 0, 1, 0, 0, 0)
    assert q4["justice_bureau"].plan_items_open == 1
    assert "education" not in q4
    q3 = {f.unit_code: f for f in unit_figures(date(2025, 7, 1), date(2025, 9, 30))}
    assert (q3["civil_affairs"].referrals_received, q3["civil_affairs"].referrals_answered) == (1, 0)


@pytest.mark.parametrize(
    ("steps", "as_of", "late"),
    [
        ([], date(2025, 10, 11), False),  # due Sat 11 Oct (调休), unsigned: not yet late
        ([], date(2025, 10, 12), True),
        ([("sign", (2025, 10, 11))], date(2025, 10, 31), False),  # signed on the due day; answer due 31 Oct
        ([("sign", (2025, 10, 13))], date(2025, 12, 31), True),  # signed late, never flagged
        ([("sign", (2025, 10, 9)), ("answer", (2025, 10, 29))], date(2025, 12, 31), False),  # due 29 Oct
        ([("sign", (2025, 10, 9)), ("answer", (2025, 10, 30))], date(2025, 12, 31), True),
        ([("sign", (2025, 10, 9))], date(2025, 10, 30), True),  # still owing after 29 Oct
        ([("sign", (2025, 10, 9))], date(2025, 10, 29), False),
        ([("return", (2025, 10, 10))], date(2025, 12, 31), False),
        ([("return", (2025, 10, 14))], date(2025, 12, 31), True),
    ],
)
def test_was_overdue_without_the_daily_check(alice, frank, units, steps, as_of, late):
    r = flow.send(alice, to_unit=units["civil_affairs"], kind="dibao", person_name="甲", facts="x", now=at(2025, 9, 30))
    for step, ymd in steps:
        when = at(*ymd)
        if step == "sign":
            r = flow.sign(frank, r, now=when)
        elif step == "answer":
            r = flow.answer(frank, r, result="service_provided", now=when)
        else:
            r = flow.return_referral(frank, r, reason="不属本单位", now=when)
    assert r.was_overdue(as_of) is late
