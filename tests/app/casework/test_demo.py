"""`jiuzhu demo` cases: a handful in different states from screened clues, one overdue."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.app.casework.models import Case, CaseState
from tests.fixtures.cases import make_clue

pytestmark = pytest.mark.django_db


def test_populate_makes_cases_in_each_state(monkeypatch):
    from jiuzhu.app.accounts.demo import create_demo_users
    from jiuzhu.app.casework import demo
    from jiuzhu.app.config import due

    monkeypatch.setattr(demo, "today", lambda: date(2025, 11, 20))
    create_demo_users()
    for i in range(4):
        make_clue(person_name=f"演示{i}", tags=["残疾人"] if i == 3 else [], priority=90 - i)
    numbers = demo.populate()
    assert len(numbers) == 6
    states = [Case.objects.get(number=n).state for n in numbers]
    assert states == [CaseState.REVIEWING, CaseState.APPROVING, CaseState.CLOSED, CaseState.REFUSED,
                      CaseState.PAYING, CaseState.APPROVED]
    overdue = Case.objects.get(number=numbers[0])
    assert due.status(overdue.review_due, on=date(2025, 11, 20)) == "overdue"
    # no 未成年人 clue here; the 残疾人 one comes first and goes to the disabled team's handler
    assert Case.objects.get(number=numbers[0]).handler.username == "jcg_li"
    assert Case.objects.get(number=numbers[0]).person_name == "演示3"
    assert Case.objects.get(number=numbers[5]).urgent
    assert Case.objects.filter(origin="application").count() == 2  # more cases than clues
