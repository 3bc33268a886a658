"""Rule coverage: which people the profile must cover, derived from the rules themselves
(docs/screening.md "Who is profiled").

A province holds about 41 M residents; almost all of them appear only in the household registry,
and no rule as shipped can concern them. A person **has a fact** when a record other than the
household registry names them, or a household row of theirs says 死亡 or 失踪. Every profile
column except identity and age then holds a known empty value (``FACTLESS``).

Each rule's condition is evaluated symbolically for a subject row in which one *role* (the
person; for the child subject also the parents ``pa``/``pb``) has no fact and every other column
may hold anything. SQL's three-valued logic is followed exactly (a NULL comparison is neither
true nor false, ``is_false`` is ``COALESCE(col, FALSE) = FALSE``, as compiled by conditions.py).
When the condition cannot be TRUE, the rule needs that role to have a fact, and screening may
leave out the rows where it has none; when no such role exists but the rule cannot fire with
every role factless, it needs at least one role with a fact; otherwise the rule needs everyone
and the profile is built over every resident. Treating the other columns as free
over-approximates what a row can hold, so a restriction is only ever made when it changes no clue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jiuzhu.engine.screening.conditions import LIST_OPERATORS, UNARY_OPERATORS
from jiuzhu.engine.screening.profile import PROFILE

T, F, N = "T", "F", "N"  # SQL TRUE, FALSE, NULL
_ANY = frozenset((T, F, N))
_FREE = None  # a column that may hold anything

# Profile columns of a person without facts (subjects.py builds them: every flag joined from a registry
# other than household is absent; dead/missing come only from 死亡/失踪 household rows).
FACTLESS: dict[str, Any] = {
    **{c: False for c, kind in PROFILE.items() if kind == "bool"},
    "dis_rank": None, "dis_rank_kinds": None, "hardship_count": 0,
    "unpaid_count": 0, "unpaid_total": None, "unpaid_max": None,
}
# A parent role without a fact: a factless parent (FALSE) or no parent in the 户 at all (NULL).
_PARENT_COLUMNS = {"dead": "dead", "missing": "missing", "imprisoned": "imprisoned", "absent": "absent",
                   "severe": "severe_disability", "is_victim": "is_victim"}
ROLES: dict[str, tuple[str, ...]] = {"person": ("self",), "child": ("self", "pa", "pb")}


def _role_values(role: str) -> dict[str, frozenset[Any]]:
    """Column → the values it can hold when ``role`` has no fact."""
    if role == "self":
        return {c: frozenset((v,)) for c, v in FACTLESS.items()}
    return {f"{role}_{c}": frozenset((False, None)) for c in _PARENT_COLUMNS}


def _and(a: str, b: str) -> str:
    return F if F in (a, b) else N if N in (a, b) else T


def _or(a: str, b: str) -> str:
    return T if T in (a, b) else N if N in (a, b) else F


_NOT = {T: F, F: T, N: N}


def _compare(op: str, left: Any, right: Any) -> str:
    if left is None or right is None:
        return N
    result = {"=": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
              ">": left > right, ">=": left >= right}[op]
    return T if result else F


def _leaf(op: str, value: Any, operand: Any, has_operand: bool) -> str:
    if op in UNARY_OPERATORS:
        return {"is_true": T if value is True else N if value is None else F,
                "is_false": F if value is True else T,
                "is_null": T if value is None else F,
                "not_null": F if value is None else T}[op]
    if op in LIST_OPERATORS:
        if value is None:
            return N
        return T if (value in operand) == (op == "in") else F
    return _compare(op, value, operand) if has_operand else N


class _Evaluator:
    """The truth values a (valid, already compiled) condition can take on one kind of row."""

    def __init__(self, known: Mapping[str, frozenset[Any]], params: Mapping[str, Any],
                 named: Mapping[str, Any], self_factless: bool) -> None:
        self.known = known
        self.params = params
        self.named = named
        self.self_factless = self_factless

    def values(self, cond: Mapping[str, Any]) -> frozenset[str]:
        if "all" in cond or "any" in cond:
            join = _and if "all" in cond else _or
            acc: frozenset[str] | None = None
            for item in cond["all" if "all" in cond else "any"]:
                vals = self.values(item)
                acc = vals if acc is None else frozenset(join(a, b) for a in acc for b in vals)
            return acc or _ANY
        if "not" in cond:
            return frozenset(_NOT[v] for v in self.values(cond["not"]))
        if "ref" in cond:
            return self.values(self.named[cond["ref"]])
        if "exists" in cond:
            # victim and enforcement records are facts: a factless person has none.
            return frozenset((F,)) if self.self_factless else _ANY
        return self._field(cond)

    def _field(self, cond: Mapping[str, Any]) -> frozenset[str]:
        left = self.known.get(cond["field"], _FREE)
        if left is _FREE:
            return _ANY
        op = cond["op"]
        if "other" in cond:
            right = self.known.get(cond["other"], _FREE)
            if right is _FREE:
                return _ANY
            return frozenset(_compare(op, a, b) for a in left for b in right)
        operand = self.params.get(cond["param"]) if "param" in cond else cond.get("value")
        has = "param" in cond or "value" in cond
        return frozenset(_leaf(op, v, operand, has) for v in left)


def can_fire(subject: str, factless: Iterable[str], when: Mapping[str, Any], params: Mapping[str, Any],
             named: Mapping[str, Any] | None = None) -> bool:
    """Whether ``when`` can hold on a ``subject`` row in which the ``factless`` roles have no fact."""
    known: dict[str, frozenset[Any]] = {}
    roles = set(factless)
    for role in roles:
        known.update(_role_values(role))
    ev = _Evaluator(known, params, named or {}, "self" in roles)
    return T in ev.values(when)


@dataclass(frozen=True)
class Need:
    """What one rule needs: ``everyone``, or rows where all ``roles`` have a fact (at least one role
    when ``roles`` is empty)."""

    everyone: bool = False
    roles: frozenset[str] = frozenset()


def rule_need(subject: str, when: Mapping[str, Any], params: Mapping[str, Any],
              named: Mapping[str, Any] | None = None) -> Need:
    """The people a rule can concern. Subjects built from victim or enforcement records always have
    a fact (the record itself): only ``person`` and ``child`` rows can be left out."""
    roles = ROLES.get(subject)
    if roles is None:
        return Need(roles=frozenset(("self",)))
    required = frozenset(r for r in roles if not can_fire(subject, (r,), when, params, named))
    if required:
        return Need(roles=required)
    if can_fire(subject, roles, when, params, named):
        return Need(everyone=True)
    return Need()


@dataclass(frozen=True)
class Coverage:
    """The child rows screening must build: one alternative per child rule (all roles of an
    alternative with a fact; an empty alternative means any one of child, pa, pb)."""

    child: tuple[frozenset[str], ...]


def coverage_of(needs: Mapping[str, tuple[str, Need]]) -> Coverage | None:
    """``needs``: rule code → (subject, Need). None when some rule needs every resident."""
    if any(need.everyone for _, need in needs.values()):
        return None
    child = sorted({need.roles for subject, need in needs.values() if subject == "child"}, key=sorted)
    return Coverage(child=tuple(child))
