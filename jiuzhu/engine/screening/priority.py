"""Priority 0–100 (docs/screening.md "Priority"), from the rule's base and the weights in priority.toml.

    priority = min(100, base
                   + amount_points × min(1, unpaid / (amount_wage_months × monthly wage))
                   + death_or_severe_injury   if 伤情 is 死亡 or 重伤
                   + severe_disability        if the person (or, for a child, a parent) is 重残
                   + minor                    if under minor_age at the as-of date
                   + min(hardship_cap, per_hardship × current hardship registries)
                   + min(terminated_cap, whole months since 终本 ÷ months_per_point))

rounded down to a whole number. Integer arithmetic throughout (money is 分).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PriorityInputs:
    base: int
    unpaid_fen: int = 0
    death_or_severe_injury: bool = False
    severe_disability: bool = False
    age: int | None = None
    hardship_count: int = 0
    terminated_date: date | None = None


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is not later)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(0, months)


def priority(inputs: PriorityInputs, as_of: date, monthly_wage_fen: int, weights: Mapping[str, int]) -> int:
    score = inputs.base
    if inputs.unpaid_fen > 0 and monthly_wage_fen > 0:
        scale = weights["amount_wage_months"] * monthly_wage_fen
        score += min(weights["amount_points"], weights["amount_points"] * inputs.unpaid_fen // scale)
    if inputs.death_or_severe_injury:
        score += weights["death_or_severe_injury"]
    if inputs.severe_disability:
        score += weights["severe_disability"]
    if inputs.age is not None and inputs.age < weights["minor_age"]:
        score += weights["minor"]
    score += min(weights["hardship_cap"], weights["per_hardship"] * inputs.hardship_count)
    if inputs.terminated_date is not None:
        months = months_between(inputs.terminated_date, as_of)
        score += min(weights["terminated_cap"], months // weights["months_per_point"])
    return max(0, min(100, score))
