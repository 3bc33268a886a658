"""The documented priority formula (docs/screening.md) with the shipped weights."""

from __future__ import annotations

from datetime import date

from jiuzhu.engine.screening.priority import PriorityInputs, months_between, priority
from jiuzhu.engine.screening.ruleset import shared_file
from jiuzhu.engine.screening.texts import render, yuan

W = shared_file("priority")["parameters"]
D = date(2025, 10, 31)
WAGE = 800_000  # 8,000 元 a month: 12 months = 9,600,000 分 earns the full 20 points


def test_base_only():
    assert priority(PriorityInputs(base=35), D, WAGE, W) == 35


def test_amount_in_proportion_to_a_year_of_wages_and_capped():
    assert priority(PriorityInputs(base=35, unpaid_fen=4_800_000), D, WAGE, W) == 45  # half a year: 10
    assert priority(PriorityInputs(base=35, unpaid_fen=4_799_999), D, WAGE, W) == 44  # rounded down
    assert priority(PriorityInputs(base=35, unpaid_fen=50_000_000), D, WAGE, W) == 55  # capped at 20


def test_every_term():
    inputs = PriorityInputs(
        base=40,
        unpaid_fen=22_000_000,
        death_or_severe_injury=True,
        severe_disability=True,
        age=12,
        hardship_count=4,
        terminated_date=date(2022, 10, 31),
    )
    # 40 + 20 + 10 + 10 + 10 + min(9, 12) + min(6, 36 // 6) = 105 → 100
    assert priority(inputs, D, WAGE, W) == 100
    inputs = PriorityInputs(base=35, hardship_count=2, terminated_date=date(2024, 11, 1), age=18)
    # 35 + 6 + 11 months // 6 = 1; 18 is not a minor
    assert priority(inputs, D, WAGE, W) == 42


def test_months_between():
    assert months_between(date(2025, 1, 31), date(2025, 2, 28)) == 0
    assert months_between(date(2025, 1, 31), date(2025, 3, 1)) == 1
    assert months_between(date(2025, 11, 1), D) == 0


def test_reason_template_and_money():
    assert yuan(22_000_000) == "220,000" and yuan(5) == "0.05" and yuan(123_456) == "1,234.56"
    text = "被害人{name}[在{judgment_no}中][，已赔偿{compensation_paid}元]{flag}"
    assert render(text, {"name": "郑某某", "judgment_no": None, "compensation_paid": 0, "flag": True}) == \
        "被害人郑某某，已赔偿0元"
    assert render("{name}{missing}", {"name": "甲"}) == "甲None"
