"""Rules as data: shipped files, administrator settings, new rules of a built-in kind, versions."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.engine.screening.conditions import RuleError
from jiuzhu.engine.screening.ruleset import RuleSetting, builtin_definitions, check_setting, load_rules
from tests.engine.screening.builder import Warehouse, pairs

SHIPPED = ["SJ-01", "SJ-02", "SJ-03", "SJ-04", "MZ-01", "MZ-02", "WC-01", "FP-01"]


def test_the_eight_rules_ship_and_load_in_exclusion_order():
    assert sorted(builtin_definitions()) == sorted(SHIPPED)
    order = [r.code for r in load_rules()]
    assert sorted(order) == sorted(SHIPPED)
    assert order.index("SJ-01") < order.index("SJ-02") < order.index("SJ-03")
    assert all(r.version.startswith("v1-") and len(r.version) == 11 for r in load_rules())


def test_versions_follow_effective_parameters():
    base = {r.code: r.version for r in load_rules()}
    changed = {
        r.code: r.version for r in load_rules([RuleSetting("SJ-04", parameters={"causes": ["赡养费纠纷"]})])
    }
    assert changed["SJ-04"] != base["SJ-04"]
    assert {k: v for k, v in changed.items() if k != "SJ-04"} == {
        k: v for k, v in base.items() if k != "SJ-04"
    }
    same = {r.code: r.version for r in load_rules([RuleSetting("SJ-04", parameters={"unpaid_above_fen": 0})])}
    assert same == base  # the shipped value again: same version


def test_switched_off_and_only():
    assert "MZ-02" not in [r.code for r in load_rules([RuleSetting("MZ-02", enabled=False)])]
    assert [r.code for r in load_rules(only=["WC-01"])] == ["WC-01"]
    with pytest.raises(RuleError, match="没有这些规则"):
        load_rules(only=["XX-01"])


@pytest.mark.parametrize(("setting", "message"), [
    (RuleSetting("SJ-03", parameters={"nope": 1}), "没有参数"),
    (RuleSetting("SJ-03", parameters={"unpaid_above_fen": 1.5}), "类型"),
    (RuleSetting("SJ-03", parameters={"causes": []}), "类型"),
    (RuleSetting("SJ-03", parameters={"causes": ["x' OR 1=1 --"]}), "不允许的字符"),
    (RuleSetting("SJ-03", definition={"code": "SJ-03"}), "不能用新定义替换"),
])
def test_bad_settings_are_refused(setting, message):
    with pytest.raises(RuleError, match=message):
        load_rules([setting])


NEW_RULE = {
    "name": "高额终本未纳入救助", "version": 1, "subject": "enforcement", "target_unit": "procuratorate",
    "records": ["enforcement_record"], "evidence": [],
    "reason": "申请执行人{name}在{enforcement_no}中未履行金额{amount_unpaid}元",
    "parameters": {"min_fen": 10_000_000},
    "when": {"all": [{"field": "amount_unpaid", "op": ">=", "param": "min_fen"},
                     {"field": "hardship_count", "op": "=", "value": 0}]},
    "priority": {"base": 20, "amount": "amount_unpaid"},
}


def test_an_administrator_adds_a_rule_of_a_built_in_kind():
    check_setting("ZD-01", {}, NEW_RULE)
    with pytest.raises(RuleError, match="未知的字段"):
        check_setting("ZD-01", {}, {**NEW_RULE, "when": {"field": "salary", "op": ">", "value": 1}})
    with pytest.raises(RuleError, match="单位代码"):
        check_setting("ZD-01", {}, {**NEW_RULE, "target_unit": "police"})
    w = Warehouse()
    w.person("pA", "林秀英", date(1950, 3, 1), "女")
    w.add("enforcement", "pA", enforcement_no="(2024)闽0425执5号", cause="民间借贷纠纷", amount_applied=1,
          amount_unpaid=10_000_000)
    r = w.screen(settings=[RuleSetting("ZD-01", definition=NEW_RULE)], rules=["ZD-01"])
    assert pairs(r) == {("ZD-01", "pA")}
    assert r.clues[0].reason == "申请执行人林某某在(2024)闽0425执5号中未履行金额100,000元"
    assert r.clues[0].priority == 40  # 20 + 20 × min(1, 100,000 元 ÷ 96,000 元)
