"""The Chinese sentences of a clue: reason templates, money in yuan, names as the reason shows them.

A reason template is text with ``{field}`` placeholders and optional ``[…]`` segments: a segment is
left out when any placeholder in it is empty (None or False). No attribute access, no format specs:
a placeholder is a bare name looked up in a dict.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from jiuzhu.engine.identity.money import fen_to_yuan

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
# Fields holding money in 分, shown as yuan.
MONEY_FIELDS = frozenset({
    "amount_unpaid", "amount_applied", "compensation_judged", "compensation_paid", "linked_unpaid_total",
    "linked_unpaid_max", "outstanding", "unpaid_total", "unpaid_max", "monthly_amount", "relief_amount",
})


def yuan(fen: int) -> str:
    """``22000000`` → ``220,000``; ``22000050`` → ``220,000.50`` (the reason shows whole yuan plainly)."""
    text = fen_to_yuan(fen)
    return text[:-3] if text.endswith(".00") else text


def masked_name(name: str | None) -> str:
    """Reasons name a person as 郑某某: the full name is on the clue, the sentence may travel further."""
    if not name:
        return "某某"
    return name[0] + "某某"


def display(field: str, value: Any) -> str:
    if isinstance(value, bool):
        return ""
    if field in MONEY_FIELDS and isinstance(value, int):
        return yuan(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def render(template: str, values: Mapping[str, Any]) -> str:
    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: display(m[1], values.get(m[1])), text)

    def segment(m: re.Match[str]) -> str:
        names = _PLACEHOLDER.findall(m[1])
        if any(values.get(n) is None or values.get(n) is False or values.get(n) == "" for n in names):
            return ""
        return fill(m[1])

    return fill(_SEGMENT.sub(segment, template))


def join_labels(labels: list[str]) -> str:
    """Distinct labels in first-seen order, joined with 、."""
    seen: list[str] = []
    for label in labels:
        if label and label not in seen:
            seen.append(label)
    return "、".join(seen)
