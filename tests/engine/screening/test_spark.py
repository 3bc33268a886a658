"""Spark SQL and DuckDB run the same compiled rules and give the same clues."""

from __future__ import annotations

from datetime import date

import pytest

from tests.engine.screening import test_rules as cases
from tests.engine.screening.builder import Warehouse

pytestmark = pytest.mark.spark


def every_rule() -> Warehouse:
    """A small warehouse where every rule fires once and several near-misses sit beside them."""
    w = Warehouse()
    cases.victim_with_debt(w)  # SJ-01 (with 低保) for pV
    w.add("dibao", "pV", category="城市")
    cases.family(w, father_status="死亡")  # MZ-01 for pC: father dead, mother 三级智力
    w.add("disability", "pM", disability_kind="智力", disability_grade="三级")
    w.add("victim", "pC", crime="抢劫罪", injury="轻伤", incident_date=date(2024, 1, 1))  # WC-01
    w.person("pS", "黄丽", date(1990, 1, 1), "女")  # SJ-02
    w.add("victim", "pS", crime="强奸罪", injury="重伤", judgment_no="(2023)闽0425刑初9号",
          compensation_judged=900_000, compensation_paid=100_000)
    w.person("pA", "林秀英", date(1950, 3, 1), "女")  # SJ-03 and SJ-04, temp relief 11 months ago
    w.add("temp_relief", "pA", relief_date=date(2024, 12, 1), relief_amount=100_000)
    cases.enforcement(w, "pA", "生命权、身体权、健康权纠纷", 700_000, no="(2024)闽0425执5号")
    cases.enforcement(w, "pA", "赡养费纠纷", 50_000, no="(2024)闽0425执6号")
    w.person("pP", "吴长生", date(1968, 8, 8))  # FP-01
    w.add("poverty_watch", "pP", monitor_category="突发严重困难户", risk_eliminated=True)
    cases.enforcement(w, "pP", "民间借贷纠纷", 300_000, no="(2024)闽0425执7号")
    w.person("pN", "王五", date(1975, 1, 1))  # near-miss: temp relief exactly 12 months ago
    w.add("temp_relief", "pN", relief_date=date(2024, 10, 31), relief_amount=100_000)
    cases.enforcement(w, "pN", "工伤保险待遇纠纷", 700_000, no="(2024)闽0425执8号")
    w.person("pK", "卢二", date(1984, 1, 1))  # MZ-02 household
    w.person("pL", "何三", date(1986, 1, 1), "女")
    w.person("pJ", "卢小四", date(2012, 1, 1), "女")
    w.add("household", "pK", household_no="H2", relation="户主", status="正常")
    w.add("household", "pL", household_no="H2", relation="配偶", status="正常")
    w.add("household", "pJ", household_no="H2", relation="女", status="正常")
    w.add("disability", "pK", disability_kind="视力", disability_grade="一级")
    w.add("disability", "pL", disability_kind="精神", disability_grade="四级")
    w.add("veteran", "pK")
    return w


def test_spark_and_duckdb_give_identical_clues():
    w = every_rule()
    duck = w.screen()
    assert duck.counts == {"SJ-01": 1, "SJ-02": 1, "SJ-03": 1, "SJ-04": 1, "MZ-01": 1, "MZ-02": 1, "WC-01": 1,
                           "FP-01": 1}
    spark = w.screen(engine="spark")
    assert spark.engine == "spark" and spark.rule_versions == duck.rule_versions
    assert [c.as_dict() for c in spark.clues] == [c.as_dict() for c in duck.clues]
