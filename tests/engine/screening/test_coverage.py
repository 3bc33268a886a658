"""Which people the profile covers (coverage.py): derived from the rules, exact, and everyone when needed."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.engine.screening.coverage import Coverage, Need, can_fire, coverage_of, rule_need
from jiuzhu.engine.screening.ruleset import RuleSetting, load_rules
from tests.engine.screening.builder import Warehouse, pairs


def needs(**settings: RuleSetting) -> dict[str, Need]:
    return {r.code: rule_need(r.subject, r.definition["when"], r.parameters, r.get("conditions", {}))
            for r in load_rules(settings.values())}


def test_the_shipped_rules_need_people_with_facts_and_both_parents_of_a_child():
    assert needs() == {
        "FP-01": Need(roles=frozenset({"self"})),
        "MZ-01": Need(roles=frozenset({"pa", "pb"})), "MZ-02": Need(roles=frozenset({"pa", "pb"})),
        **{code: Need(roles=frozenset({"self"})) for code in ("SJ-01", "SJ-02", "SJ-03", "SJ-04", "WC-01")},
    }
    shipped = {r.code: (r.subject, needs()[r.code]) for r in load_rules()}
    assert coverage_of(shipped) == Coverage(child=(frozenset({"pa", "pb"}),))


@pytest.mark.parametrize(("when", "fires"), [
    ({"field": "in_dibao", "op": "is_true"}, False),
    ({"field": "in_dibao", "op": "is_false"}, True),
    ({"field": "age", "op": ">=", "value": 60}, True),  # age is known for everyone
    ({"field": "hardship_count", "op": ">", "value": 0}, False),
    ({"field": "hardship_count", "op": "=", "value": 0}, True),
    ({"field": "unpaid_count", "op": "<", "value": 1}, True),
    ({"field": "unpaid_max", "op": ">", "value": 0}, False),
    # NOT (NULL > 0) is NULL in SQL, not TRUE: still no row.
    ({"not": {"field": "unpaid_max", "op": ">", "value": 0}}, False),
    ({"field": "unpaid_max", "op": "is_null"}, True),
    ({"field": "dis_rank", "op": "in", "value": [1, 2]}, False),
    ({"field": "dis_rank", "op": "not_in", "value": [1, 2]}, False),
    ({"not": {"field": "dead", "op": "is_true"}}, True),
    ({"field": "unpaid_total", "op": ">", "other": "unpaid_max"}, False),
    ({"exists": "victim", "where": {"field": "crime", "op": "=", "value": "抢劫罪"}}, False),
    ({"not": {"exists": "enforcement", "where": {"field": "amount_unpaid", "op": ">", "value": 0}}}, True),
    ({"all": [{"field": "age", "op": ">=", "value": 60}, {"field": "in_veteran", "op": "is_true"}]}, False),
    ({"any": [{"field": "age", "op": ">=", "value": 60}, {"field": "in_veteran", "op": "is_true"}]}, True),
])
def test_a_person_without_facts_under_sql_three_valued_logic(when, fires):
    assert can_fire("person", ("self",), when, {}) is fires


@pytest.mark.parametrize(("when", "need"), [
    ({"field": "pa_absent", "op": "is_true"}, Need(roles=frozenset({"pa"}))),
    ({"all": [{"field": "in_tekun", "op": "is_true"}, {"field": "pb_severe", "op": "is_true"}]},
     Need(roles=frozenset({"self", "pb"}))),
    # Either parent dead: no single role is needed, but one of them must have a fact.
    ({"any": [{"field": "pa_dead", "op": "is_true"}, {"field": "pb_dead", "op": "is_true"}]}, Need()),
    # A parent who is not absent, or no parent at all (NULL): anyone's child.
    ({"field": "pa_absent", "op": "is_false"}, Need(everyone=True)),
    ({"field": "known_parents", "op": "=", "value": 0}, Need(everyone=True)),
])
def test_child_rules_need_roles(when, need):
    assert rule_need("child", when, {}) == need


NEW_PERSON_RULE = {
    "name": "高龄未纳入低保",
    "version": 1,
    "subject": "person",
    "target_unit": "civil_affairs",
    "reason": "{name}",
    "parameters": {"elder": 80},
    "when": {
        "all": [{"field": "age", "op": ">=", "param": "elder"}, {"field": "in_dibao", "op": "is_false"}]
    },
}


def two_households(w: Warehouse) -> None:
    # 户 H1: nobody has a fact. 户 H2: the grandmother is in 低保, the father is dead.
    for key, birth, hh, rel in (
        ("a1", date(1940, 1, 1), "H1", "户主"),
        ("a2", date(1975, 1, 1), "H1", "子"),
        ("b1", date(1980, 1, 1), "H2", "户主"),
        ("b2", date(1982, 1, 1), "H2", "配偶"),
        ("b3", date(2016, 1, 1), "H2", "子"),
        ("b4", date(1942, 1, 1), "H2", "母亲"),
    ):
        w.person(key, f"人{key}", birth)
        w.add("household", key, household_no=hh, relation=rel, status="死亡" if key == "b1" else "正常")
    w.add("dibao", "b4", category="农村")


def table(w: Warehouse, name: str) -> list[str]:
    return [r[0] for r in w.con.execute(f"SELECT person_key FROM {name} ORDER BY 1").fetchall()]


def records(w: Warehouse, name: str) -> list[str]:
    return [r[0] for r in w.con.execute(f"SELECT record_id FROM {name} ORDER BY 1").fetchall()]


def test_profile_covers_people_with_facts_and_the_household_of_a_needed_child():
    w = Warehouse()
    two_households(w)
    w.screen()
    assert table(w, "fact_people") == ["b1", "b4"]
    assert table(w, "profile") == ["b1", "b4"]  # MZ rules need both parents with a fact: b2 has none
    assert table(w, "child_subject") == []
    assert records(w, "s_household") == ["bhousehold:Sheet1:5", "bhousehold:Sheet1:8"]  # their own rows only
    w.add("disability", "b2", disability_kind="肢体", disability_grade="一级")
    r = w.screen()
    assert table(w, "profile") == ["b1", "b2", "b3", "b4"]
    assert table(w, "child_subject") == ["b3"]
    assert records(w, "s_household") == [f"bhousehold:Sheet1:{n}" for n in (5, 6, 7, 8)]  # the whole 户 H2
    assert pairs(r) == {("MZ-01", "b3")}


def test_a_rule_that_may_concern_anyone_screens_everyone():
    w = Warehouse()
    two_households(w)
    setting = RuleSetting("ZD-02", definition=NEW_PERSON_RULE)
    r = w.screen(settings=[setting])
    assert table(w, "profile") == ["a1", "a2", "b1", "b2", "b3", "b4"]
    assert pairs(r) == {("ZD-02", "a1")}  # 85 and in no registry at all
