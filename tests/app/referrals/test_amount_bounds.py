"""An absurd amount is refused with a clear message (a 400 on the API), never a crash in the database."""

from __future__ import annotations

import pytest

from jiuzhu.app.referrals.services import flow
from jiuzhu.engine.identity.money import MAX_AMOUNT_FEN, amount_problem

pytestmark = pytest.mark.django_db


def test_amount_problem_bounds():
    assert amount_problem(None) == "" and amount_problem(0) == "" and amount_problem(MAX_AMOUNT_FEN) == ""
    assert amount_problem(-1).startswith("金额不能为负数")
    assert amount_problem(MAX_AMOUNT_FEN + 1).startswith("金额不能超过 100,000,000.00 元")


def test_answer_page_refuses_a_huge_amount(client, world, frank):
    referral = world["to_mz"]
    flow.sign(frank, referral)
    client.force_login(frank)
    for typed in ("1e30", "99999999999999999999"):
        page = client.post(f"/referrals/{referral.pk}/answer/",
                           {"result": "enrolled_dibao", "monthly_amount": typed, "effective_date": "2025-11-01"})
        assert page.status_code == 200
        assert "金额不能超过 100,000,000.00 元" in page.content.decode()
    referral.refresh_from_db()
    assert referral.state == "received"


def test_api_answer_refuses_a_huge_amount_with_400(client, world, frank):
    referral = world["to_mz"]
    flow.sign(frank, referral)
    client.force_login(frank)
    body = {"result": "enrolled_dibao", "monthly_amount_fen": 10**20, "effective_date": "2025-11-01"}
    reply = client.post(f"/api/referrals/{referral.pk}/answer", body, content_type="application/json")
    assert reply.status_code == 400, reply.content
    assert "monthly_amount_fen" in reply.content.decode()
