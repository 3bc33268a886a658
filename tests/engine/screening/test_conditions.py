"""The condition form: what it compiles to, and what it refuses (no text reaches SQL unchecked)."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.engine.screening.conditions import Compiler, Related, RuleError, Schema, literal

SCHEMA = Schema({"age": "int", "cause": "text", "dead": "bool", "d": "date", "n": "int"},
                {"victim": Related("s_victim", {"crime": "text"})})


def sql(cond, params=None, named=None):
    return Compiler(SCHEMA, params or {}, named).compile(cond)


def test_compiles_combinators_params_refs_and_exists():
    cond = {
        "all": [
            {"field": "age", "op": "<", "param": "max_age"},
            {
                "any": [
                    {"field": "dead", "op": "is_true"},
                    {"not": {"field": "cause", "op": "in", "value": ["甲", "乙"]}},
                ]
            },
            {"ref": "old"},
            {"field": "age", "op": ">=", "other": "n"},
            {"exists": "victim", "where": {"field": "crime", "op": "=", "value": "强奸罪"}},
        ]
    }
    assert sql(cond, {"max_age": 18}, {"old": {"field": "d", "op": "<=", "value": "2025-10-31"}}) == (
        "((s.age < 18) AND ((s.dead = TRUE) OR (NOT (s.cause IN ('甲', '乙')))) "
        "AND (s.d <= DATE '2025-10-31') AND (s.age >= s.n) "
        "AND (EXISTS (SELECT 1 FROM s_victim x WHERE x.person_key = s.person_key AND (x.crime = '强奸罪'))))"
    )


@pytest.mark.parametrize(("cond", "message"), [
    ({"field": "age; DROP TABLE x", "op": "=", "value": 1}, "未知的字段"),
    ({"field": "secret", "op": "=", "value": 1}, "未知的字段"),
    ({"field": "age", "op": "LIKE", "value": 1}, "未知的运算符"),
    ({"field": "cause", "op": "=", "value": "x' OR '1'='1"}, "不允许的字符"),
    ({"field": "cause", "op": "=", "value": "a\\'"}, "不允许的字符"),
    ({"field": "age", "op": "=", "value": "18"}, "应为整数"),
    ({"field": "age", "op": "=", "value": True}, "应为整数"),
    ({"field": "d", "op": "=", "value": "2025-13-01"}, "month must be in 1..12"),
    ({"field": "age", "op": "in", "value": []}, "非空列表"),
    ({"field": "age", "op": "is_true"}, "不是 是/否"),
    ({"field": "age", "op": "<", "param": "nope"}, "未定义的参数"),
    ({"field": "age", "op": "<", "value": 1, "param": "x"}, "只有一个"),
    ({"field": "age", "op": "<", "value": 1, "sql": "1=1"}, "未知的键"),
    ({"ref": "loop"}, "循环引用"),
    ({"exists": "prisoner", "where": {"field": "age", "op": "=", "value": 1}}, "不能关联"),
    ({"all": []}, "非空列表"),
    ("age < 18", "应为表"),
])
def test_refuses(cond, message):
    with pytest.raises((RuleError, ValueError), match=message):
        sql(cond, {"x": 1}, {"loop": {"ref": "loop"}})


_CON = duckdb.connect()


@settings(deadline=None)  # a loaded machine must not fail a test about values
@given(st.text(max_size=40))
def test_any_accepted_text_literal_is_one_sql_string(text):
    try:
        lit = literal(text, "text")
    except RuleError:
        assert any(c in text for c in "'\\") or any(ord(c) < 32 for c in text)
        return
    assert _CON.execute(f"SELECT {lit}").fetchall() == [(text,)]
