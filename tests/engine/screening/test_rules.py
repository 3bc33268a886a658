"""Each rule of rules.md on hand-built households and cases, on both sides of every condition."""

from __future__ import annotations

from datetime import date

import pytest

from tests.engine.screening.builder import AS_OF, Warehouse, pairs

D = AS_OF  # 2025-10-31
JUDGMENT = "(2024)闽0425刑初45号"


def victim_with_debt(w: Warehouse, key: str = "pV", unpaid: int = 22_000_000, injury: str = "轻伤",
                     basis: str | None = JUDGMENT, applicant: str | None = None) -> None:
    w.person(key, "郑明华", date(1980, 5, 1), "男", "350425198005010011")
    w.add("victim", key, crime="交通肇事罪", injury=injury, judgment_no=JUDGMENT, compensation_judged=None)
    w.add("enforcement", applicant or key, enforcement_no="(2025)闽0425执88号", basis_no=basis,
          cause="机动车交通事故责任纠纷", amount_applied=30_000_000, amount_unpaid=unpaid,
          terminated_date=date(2025, 1, 1))


# ---- SJ-01 ------------------------------------------------------------------------------------

def test_sj01_victim_with_unpaid_enforcement_and_hardship():
    w = Warehouse()
    victim_with_debt(w)
    w.add("disability", "pV", disability_kind="肢体", disability_grade="二级")
    r = w.screen(rules=["SJ-01"])
    (clue,) = r.clues
    assert clue.key == "SJ-01|pV|(2025)闽0425执88号"
    assert (
        clue.reason
        == "被害人郑某某(交通肇事罪)在(2025)闽0425执88号中未履行金额220,000元，现为持证残疾人(肢体二级)"
    )
    assert [(x["source_type"], x["file"], x["row"]) for x in clue.records] == [
        ("victim", "victim.xlsx", 3),
        ("enforcement", "enforcement.xlsx", 3),
        ("disability", "disability.xlsx", 3),
    ]
    assert clue.target_unit == "procuratorate"
    assert clue.suggested_help == "提出司法救助金额建议；未纳入低保：移送民政部门审查"
    assert clue.tags == ["残疾人"]


def test_sj01_needs_unpaid_above_zero():
    w = Warehouse()
    victim_with_debt(w, unpaid=0)
    w.add("dibao", "pV")
    assert pairs(w.screen(rules=["SJ-01"])) == set()


def test_sj01_needs_hardship():
    w = Warehouse()
    victim_with_debt(w)
    w.add("unemployment", "pV", hard_to_employ=False)  # 失业 but not 就业困难: no hardship
    # risk gone: no hardship
    w.add("poverty_watch", "pV", monitor_category="脱贫不稳定户", risk_eliminated=True)
    assert pairs(w.screen(rules=["SJ-01"])) == set()
    w.add("unemployment", "pV", hard_to_employ=True)
    assert pairs(w.screen(rules=["SJ-01"])) == {("SJ-01", "pV")}


def test_sj01_victim_link_by_applicant_without_case_number():
    w = Warehouse()
    victim_with_debt(w, basis=None)
    w.add("tekun", "pV")
    assert pairs(w.screen(rules=["SJ-01"])) == {("SJ-01", "pV")}


def test_sj01_link_by_case_number_when_applicant_is_someone_else():
    w = Warehouse()
    w.person("pQ", "郑小华", date(2005, 1, 1), "女")
    victim_with_debt(w, applicant="pQ")
    w.add("dibao", "pV")
    assert pairs(w.screen(rules=["SJ-01"])) == {("SJ-01", "pV")}


def test_sj01_unrelated_enforcement_does_not_link():
    w = Warehouse()
    w.person("pQ", "王某", date(1990, 1, 1))
    victim_with_debt(w, basis="(2023)闽0425民初1号", applicant="pQ")
    w.add("dibao", "pV")
    assert pairs(w.screen(rules=["SJ-01"])) == set()


@pytest.mark.parametrize(("relief", "current"), [
    (date(2024, 10, 31), False),  # exactly 12 months before: not current
    (date(2024, 11, 1), True),
    (D, True),
    (date(2025, 11, 1), False),  # after the as-of date
])
def test_temp_relief_counts_for_12_months_up_to_as_of(relief, current):
    w = Warehouse()
    victim_with_debt(w)
    w.add("temp_relief", "pV", relief_date=relief, relief_amount=200_000)
    assert pairs(w.screen(rules=["SJ-01"])) == ({("SJ-01", "pV")} if current else set())


# ---- SJ-02 ------------------------------------------------------------------------------------

def test_sj02_severe_injury_with_judged_above_paid_without_hardship():
    w = Warehouse()
    w.person("pV", "黄丽", date(1990, 1, 1), "女")
    w.add(
        "victim",
        "pV",
        crime="故意伤害罪",
        injury="重伤",
        judgment_no=JUDGMENT,
        compensation_judged=10_000_000,
        compensation_paid=2_000_000,
    )
    (clue,) = w.screen(rules=["SJ-02"]).clues
    assert (
        clue.reason
        == "被害人黄某某(故意伤害罪，重伤)在(2024)闽0425刑初45号中判决赔偿100,000元、已赔偿20,000元"
    )


@pytest.mark.parametrize(("injury", "judged", "paid", "fires"), [
    ("死亡", 100, 99, True),
    ("重伤", 100, 100, False),  # fully paid
    ("轻伤", 100, 0, False),  # not 重伤/死亡
    ("重伤", 100, None, False),  # paid unknown: the comparison does not hold
])
def test_sj02_conditions(injury, judged, paid, fires):
    w = Warehouse()
    w.person("pV", "黄丽", date(1990, 1, 1), "女")
    w.add("victim", "pV", crime="故意伤害罪", injury=injury, judgment_no=JUDGMENT, compensation_judged=judged,
          compensation_paid=paid)
    assert pairs(w.screen(rules=["SJ-02"])) == ({("SJ-02", "pV")} if fires else set())


def test_sj02_death_lists_close_relatives_and_yields_to_sj01():
    w = Warehouse()
    victim_with_debt(w, injury="死亡")
    w.person("pW", "李桂英", date(1982, 2, 2), "女")
    w.add("household", "pV", household_no="H1", relation="户主", status="死亡")
    w.add("household", "pW", household_no="H1", relation="配偶", status="正常")
    (clue,) = w.screen(rules=["SJ-02"]).clues
    assert clue.reason == (
        "被害人郑某某(交通肇事罪，死亡)在(2024)闽0425刑初45号中，关联终本案件未履行金额220,000元，"
        "同户近亲属：配偶李某某"
    )
    assert [x["source_type"] for x in clue.records] == ["victim", "enforcement", "household"]
    w.add("dibao", "pV")  # now SJ-01 holds for the victim: no SJ-02 as well
    assert pairs(w.screen(rules=["SJ-01", "SJ-02"])) == {("SJ-01", "pV")}


# ---- SJ-03 / SJ-04 ----------------------------------------------------------------------------

def enforcement(w: Warehouse, key: str, cause: str, unpaid: int, no: str = "(2024)闽0425执5号") -> None:
    w.add(
        "enforcement",
        key,
        enforcement_no=no,
        cause=cause,
        amount_applied=max(unpaid, 1),
        amount_unpaid=unpaid,
        terminated_date=date(2024, 4, 30),
    )


@pytest.mark.parametrize(("rule", "cause", "unpaid", "fires"), [
    ("SJ-03", "生命权、身体权、健康权纠纷", 1, True),
    ("SJ-03", "工伤保险待遇纠纷", 500_000, True),
    ("SJ-03", "民间借贷纠纷", 500_000, False),  # 案由 outside the list
    ("SJ-03", "机动车交通事故责任纠纷", 0, False),
    ("SJ-04", "赡养费纠纷", 120_000, True),
    ("SJ-04", "扶养费纠纷", 120_000, True),
    ("SJ-04", "离婚纠纷", 120_000, False),
    ("SJ-04", "抚养费纠纷", 0, False),
])
def test_sj03_sj04_cause_lists_and_unpaid(rule, cause, unpaid, fires):
    w = Warehouse()
    w.person("pA", "林秀英", date(1950, 3, 1), "女")
    w.add("dibao", "pA", category="农村")
    enforcement(w, "pA", cause, unpaid)
    assert pairs(w.screen(rules=[rule])) == ({(rule, "pA")} if fires else set())


def test_sj03_needs_hardship_and_reads_a_plain_reason():
    w = Warehouse()
    w.person("pA", "林秀英", date(1950, 3, 1), "女")
    enforcement(w, "pA", "医疗损害责任纠纷", 1_234_556)
    assert w.screen(rules=["SJ-03"]).clues == []
    w.add("dibao_edge", "pA")
    w.add("tekun", "pA")
    (clue,) = w.screen(rules=["SJ-03"]).clues
    assert clue.reason == ("申请执行人林某某在(2024)闽0425执5号(医疗损害责任纠纷)中未履行金额12,345.56元，"
                           "现为特困供养人员、低保边缘家庭成员")
    assert clue.tags == ["老年人"]


def test_sj03_not_through_an_enforcement_already_in_sj01():
    # Every unpaid case of the victim's own person is victim-linked: SJ-01 takes both, SJ-03 none.
    w = Warehouse()
    victim_with_debt(w)
    w.add("dibao", "pV")
    enforcement(w, "pV", "医疗损害责任纠纷", 100_000, no="(2025)闽0425执99号")
    r = w.screen(rules=["SJ-01", "SJ-03"])
    assert sorted(c.key for c in r.clues) == ["SJ-01|pV|(2025)闽0425执88号", "SJ-01|pV|(2025)闽0425执99号"]
    assert r.counts == {"SJ-01": 2, "SJ-03": 0}


def test_sj03_for_the_relative_who_applied_for_a_dead_victim():
    # The dead victim's SJ-02 goes through the case; the applicant (another person) still gets SJ-03.
    w = Warehouse()
    w.person("pQ", "郑小华", date(2005, 1, 1), "女")
    victim_with_debt(w, injury="死亡", applicant="pQ")
    w.add("dibao", "pQ")
    r = w.screen(rules=["SJ-01", "SJ-02", "SJ-03"])
    assert pairs(r) == {("SJ-02", "pV"), ("SJ-03", "pQ")}


def test_two_unpaid_cases_give_two_clues():
    w = Warehouse()
    w.person("pA", "林秀英", date(1950, 3, 1), "女")
    w.add("dibao", "pA")
    enforcement(w, "pA", "赡养费纠纷", 100, no="(2024)闽0425执5号")
    enforcement(w, "pA", "赡养费纠纷", 100, no="(2024)闽0425执6号")
    assert len(w.screen(rules=["SJ-04"]).clues) == 2


# ---- MZ-01 / MZ-02 ----------------------------------------------------------------------------

def family(w: Warehouse, child_birth: date = date(2015, 6, 1), relation: str = "子", spouse: bool = True,
           father_status: str = "正常", mother_status: str = "正常") -> None:
    w.person("pF", "卢建国", date(1985, 1, 1), "男")
    w.person("pM", "张秀兰", date(1987, 1, 1), "女")
    w.person("pC", "卢小宝", child_birth, "男")
    w.add("household", "pF", household_no="H9", relation="户主", status=father_status)
    if spouse:
        w.add("household", "pM", household_no="H9", relation="配偶", status=mother_status)
    w.add("household", "pC", household_no="H9", relation=relation, status="正常")


def test_mz01_father_imprisoned_mother_intellectual_grade_two():
    # The seed's case: one parent in prison, the other 二级智力残疾.
    w = Warehouse()
    family(w)
    w.add("prisoner", "pF", crime="盗窃罪", sentence_start=date(2023, 1, 1), sentence_end=date(2027, 5, 1))
    w.add("disability", "pM", disability_kind="智力", disability_grade="二级")
    r = w.screen(rules=["MZ-01", "MZ-02"])
    (clue,) = r.clues
    assert clue.key == "MZ-01|pC|H9" and clue.target_unit == "civil_affairs"
    assert clue.reason == (
        "儿童卢某某(10岁)父母均无力抚养：父亲（服刑(盗窃罪)至2027-05-01），母亲（残疾(智力二级)），"
        "尚未纳入孤儿或事实无人抚养儿童保障"
    )
    assert [x["source_type"] for x in clue.records] == ["household", "household", "household", "prisoner",
                                                        "disability"]
    assert clue.tags == ["未成年人"]


@pytest.mark.parametrize(("sentence_end", "fires"), [(D, True), (date(2025, 10, 30), False)])
def test_mz01_sentence_ending_on_the_as_of_date_still_counts(sentence_end, fires):
    w = Warehouse()
    family(w)
    w.add("prisoner", "pF", sentence_end=sentence_end)
    w.add("disability", "pM", disability_kind="精神", disability_grade="四级")
    assert pairs(w.screen(rules=["MZ-01"])) == ({("MZ-01", "pC")} if fires else set())


def test_mz01_sentence_not_yet_started_does_not_count():
    w = Warehouse()
    family(w)
    w.add("prisoner", "pF", sentence_start=date(2025, 11, 1), sentence_end=date(2028, 1, 1))
    w.add("disability", "pM", disability_kind="肢体", disability_grade="一级")
    assert pairs(w.screen(rules=["MZ-01"])) == set()


@pytest.mark.parametrize(("kind", "grade", "fires"), [
    ("肢体", "三级", False),  # 三级肢体 is not 重残
    ("肢体", "二级", True),
    ("视力", "一级", True),
    ("智力", "三级", True),
    ("精神", "四级", True),
    ("听力", "三级", False),
])
def test_mz01_severe_disability_definition(kind, grade, fires):
    w = Warehouse()
    family(w, father_status="死亡")
    w.add("disability", "pM", disability_kind=kind, disability_grade=grade)
    assert pairs(w.screen(rules=["MZ-01"])) == ({("MZ-01", "pC")} if fires else set())


def test_mz01_both_dead_or_missing():
    w = Warehouse()
    family(w, father_status="死亡", mother_status="失踪")
    assert pairs(w.screen(rules=["MZ-01", "MZ-02"])) == {("MZ-01", "pC")}


@pytest.mark.parametrize(("birth", "fires"), [
    (date(2007, 10, 31), False),  # 18 on the as-of date
    (date(2007, 11, 1), True),  # 18 tomorrow
])
def test_mz01_age_boundary(birth, fires):
    w = Warehouse()
    family(w, child_birth=birth, father_status="死亡", mother_status="死亡")
    assert pairs(w.screen(rules=["MZ-01"])) == ({("MZ-01", "pC")} if fires else set())


def test_mz01_not_for_a_child_already_in_child_care():
    w = Warehouse()
    family(w, father_status="死亡", mother_status="死亡")
    w.add("child_care", "pC", care_category="孤儿")
    assert pairs(w.screen(rules=["MZ-01"])) == set()


def test_mz_rules_need_two_known_parents():
    w = Warehouse()
    family(w, relation="孙子", father_status="死亡", mother_status="死亡")  # 孙子: parents not known
    assert pairs(w.screen(rules=["MZ-01"])) == set()
    w = Warehouse()
    family(w, spouse=False, father_status="死亡")  # no 配偶 row
    assert pairs(w.screen(rules=["MZ-01"])) == set()


def test_mz01_one_parent_unable_is_not_enough():
    w = Warehouse()
    family(w, father_status="死亡")
    w.add("disability", "pM", disability_kind="肢体", disability_grade="三级")
    assert pairs(w.screen(rules=["MZ-01", "MZ-02"])) == set()


def test_mz02_both_parents_severe_neither_absent():
    w = Warehouse()
    family(w)
    w.add("disability", "pF", disability_kind="肢体", disability_grade="一级")
    w.add("disability", "pM", disability_kind="智力", disability_grade="三级")
    (clue,) = w.screen(rules=["MZ-01", "MZ-02"]).clues
    assert clue.rule == "MZ-02"
    assert clue.reason == (
        "儿童卢某某(10岁)父母均为重度残疾：父亲（残疾(肢体一级)），母亲（残疾(智力三级)），"
        "尚未纳入孤儿或事实无人抚养儿童保障"
    )
    w.add("prisoner", "pF", sentence_end=date(2030, 1, 1))  # now one is imprisoned: MZ-01 instead
    assert pairs(w.screen(rules=["MZ-01", "MZ-02"])) == {("MZ-01", "pC")}


def test_mz01_help_mentions_judicial_assistance_when_a_parent_is_a_victim():
    w = Warehouse()
    family(w, father_status="死亡", mother_status="失踪")
    w.add("victim", "pF", crime="故意杀人罪", injury="死亡")
    (clue,) = w.screen(rules=["MZ-01"]).clues
    assert clue.suggested_help.endswith("父母一方为刑事被害人：审查司法救助")


# ---- WC-01 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("incident", "crime", "fires"), [
    (date(2025, 5, 31), "强奸罪", True),  # 17 on the day
    (date(2025, 6, 1), "强奸罪", False),  # 18th birthday
    (date(2025, 5, 31), "盗窃罪", False),  # not violent or sexual
    (None, "抢劫罪", False),  # no 案发日期
])
def test_wc01_minor_at_incident(incident, crime, fires):
    w = Warehouse()
    w.person("pG", "陈小梅", date(2007, 6, 1), "女")
    w.add("victim", "pG", crime=crime, injury="轻伤", incident_date=incident, judgment_no=JUDGMENT)
    r = w.screen(rules=["WC-01"])
    assert pairs(r) == ({("WC-01", "pG")} if fires else set())
    if fires:
        (clue,) = r.clues
        assert clue.reason == "未成年被害人陈某某案发时17岁，遭受强奸罪(轻伤)，案号(2024)闽0425刑初45号"
        assert clue.tags == ["妇女"]  # 18 at the as-of date: no longer 未成年人


# ---- FP-01 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("eliminated", [True, False])
def test_fp01_poverty_watch_either_risk_state_with_unpaid(eliminated):
    w = Warehouse()
    w.person("pP", "吴长生", date(1968, 8, 8))
    w.add("poverty_watch", "pP", monitor_category="突发严重困难户", risk_eliminated=eliminated)
    enforcement(w, "pP", "民间借贷纠纷", 300_000)
    (clue,) = w.screen(rules=["FP-01"]).clues
    assert clue.target_unit == "rural_revitalization" and clue.facts["also_units"] == ["procuratorate"]
    assert clue.reason == "防止返贫监测对象吴某某有1件终本案件未履行金额3,000元"


def test_fp01_victim_not_fully_compensated_and_negatives():
    w = Warehouse()
    w.person("pP", "吴长生", date(1968, 8, 8))
    w.add("poverty_watch", "pP", monitor_category="脱贫不稳定户", risk_eliminated=False)
    enforcement(w, "pP", "民间借贷纠纷", 0)  # paid off
    w.add("victim", "pP", crime="故意伤害罪", compensation_judged=500, compensation_paid=500)
    assert w.screen(rules=["FP-01"]).clues == []
    w.add("victim", "pP", crime="诈骗罪", compensation_judged=800, compensation_paid=100)
    (clue,) = w.screen(rules=["FP-01"]).clues
    assert clue.reason == "防止返贫监测对象吴某某，作为刑事被害人判决赔偿未足额到位"
    w2 = Warehouse()
    w2.person("pP", "吴长生", date(1968, 8, 8))
    enforcement(w2, "pP", "民间借贷纠纷", 300_000)  # unpaid but not under 监测
    assert w2.screen(rules=["FP-01"]).clues == []


# ---- all rules together -----------------------------------------------------------------------

def test_every_rule_runs_and_counts_are_per_rule():
    w = Warehouse()
    victim_with_debt(w)
    w.add("dibao", "pV")
    r = w.screen()
    assert r.counts == {"SJ-01": 1, "SJ-02": 0, "SJ-03": 0, "SJ-04": 0, "MZ-01": 0, "MZ-02": 0, "WC-01": 0,
                        "FP-01": 0}
    assert set(r.rule_versions) == set(r.counts)


def test_missing_registry_tables_count_as_empty():
    w = Warehouse(with_all_tables=False)
    w.person("pA", "林秀英", date(1950, 3, 1), "女")
    w.add("dibao", "pA")
    w.add("enforcement", "pA", enforcement_no="(2024)闽0425执5号", cause="赡养费纠纷", amount_applied=1,
          amount_unpaid=1)
    assert pairs(w.screen()) == {("SJ-04", "pA")}


def test_unlinked_record_is_its_own_person():
    w = Warehouse()
    w.add("enforcement", None, name="林**", enforcement_no="(2024)闽0425执5号", cause="赡养费纠纷",
          amount_applied=1, amount_unpaid=1)
    assert w.screen(rules=["SJ-04"]).clues == []  # no hardship known for a one-record person
