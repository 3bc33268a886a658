"""Each comparison and each "never" rule, on hand-built registries."""

from __future__ import annotations

import json

import pytest

from jiuzhu.engine.linkage import link_connection, model
from jiuzhu.engine.linkage.clustering import acceptable
from jiuzhu.engine.linkage.features import read_subjects
from jiuzhu.engine.linkage.scoring import Edge, score_residue
from tests.engine.linkage.conftest import background, make_id


def persons(con) -> dict[str, str]:
    return dict(con.sql("SELECT record_id, person_key FROM person_index").fetchall())


def explanation(con, a: str, b: str) -> dict:
    rows = con.execute(
        "SELECT comparisons FROM link_explanations WHERE record_id_l = ? AND record_id_r = ?", sorted([a, b])
    ).fetchall()
    assert len(rows) == 1, f"no explanation for {a}–{b}"
    return json.loads(rows[0][0])


def test_exact_name_and_birth_date_joins_a_record_without_id(registry):
    background(registry)
    number = make_id("1962-04-18", 22)
    registry.add("d1", "林桂英", id_number=number, township="均溪镇", village="城关村")
    registry.add("v1", "林桂英", source="victim", sex="女", birth="1962-04-18", township="均溪镇")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["v1"] == p["d1"] == "p" + __import__("hashlib").sha256(number.encode()).hexdigest()[:16]
    assert con.sql("SELECT method FROM person_index WHERE record_id = 'v1'").fetchall() == [
        ("probabilistic",)
    ]
    why = explanation(con, "d1", "v1")
    assert why["name"]["level"] == "姓名相同"
    assert why["birth_date"]["level"] == "出生日期相同"
    assert why["township"]["level"] == "乡镇相同"
    assert why["village"] == {"level": "缺失", "weight": 0.0}


def test_address_text_gives_the_village_that_tells_namesakes_apart(registry):
    background(registry)
    # Two 陈秀英 with IDs in two villages of one township; a 退役军人-style row has no 乡镇/村
    # columns, only an address in the 村委会 form, which names 桥石村.
    registry.add("d1", "陈秀英", id_number=make_id("1950-05-05", 72), township="广平镇", village="桥石村")
    registry.add("d2", "陈秀英", id_number=make_id("1961-08-15", 82), township="广平镇", village="万筹村")
    registry.add("x1", "陈秀英", source="veteran", sex="女", address="福建省大田县广平镇桥石村委会3组")
    # another county
    registry.add("x2", "陈秀英", source="veteran", sex="女", address="福建省尤溪县广平镇桥石村")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["x1"] == p["d1"] != p["d2"]
    assert p["x2"] not in (p["d1"], p["d2"])
    why = explanation(con, "d1", "x1")
    assert (why["township"]["level"], why["village"]["level"]) == ("乡镇相同", "村居相同")
    stored = con.sql("SELECT township, village FROM subjects WHERE record_id = 'x1'").fetchall()
    assert stored == [(None, None)]  # the warehouse is not changed, only the compared values


def test_homophone_name_links_with_birth_date(registry):
    background(registry)
    registry.add("d1", "陈秀英", id_number=make_id("1970-03-05", 12), township="均溪镇")
    registry.add("e1", "陈秀瑛", source="enforcement", sex="女", birth="1970-03-05")
    con = registry.build()
    link_connection(con)
    assert persons(con)["e1"] == persons(con)["d1"]
    assert explanation(con, "d1", "e1")["name"]["level"] == "同音"


def test_traditional_form_is_the_same_name_and_variant_form_has_its_own_level(registry):
    background(registry)
    registry.add("d1", "陈秀英", id_number=make_id("1970-03-05", 12))
    registry.add("t1", "陳秀英", source="temp_relief", birth="1970-03-05", sex="女")
    registry.add("d2", "林建国", id_number=make_id("1958-11-02", 31))
    registry.add("t2", "林建囯", source="temp_relief", birth="1958-11-02", sex="男")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["t1"] == p["d1"] and p["t2"] == p["d2"]
    assert explanation(con, "d1", "t1")["name"]["level"] == "姓名相同"  # 繁→简 is part of normalising
    assert explanation(con, "d2", "t2")["name"]["level"] == "繁简/异体字相同"


def test_one_character_different_links_with_birth_date_not_without(registry):
    background(registry)
    registry.add("d1", "林建华", id_number=make_id("1975-06-09", 41), phone="13905981234", township="均溪镇")
    registry.add("v1", "林建平", source="victim", birth="1975-06-09", sex="男", phone="13905981234")
    registry.add("d2", "黄晓东", id_number=make_id("1980-01-20", 51), township="石牌镇")
    registry.add("v2", "黄晓南", source="victim", birth="1980-01-20", sex="男")
    registry.add("d3", "吴德福", id_number=make_id("1966-02-02", 71), township="石牌镇")
    registry.add("v3", "吴德富", source="victim", sex="男", township="石牌镇")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["v1"] == p["d1"] and p["v2"] == p["d2"]
    assert explanation(con, "d1", "v1")["name"]["level"] == "一字之差"
    assert explanation(con, "d2", "v2")["name"]["level"] == "一字之差"
    assert p["v3"] != p["d3"]  # one character off and nothing but sex and township: not enough


def test_case_context_links_enforcement_applicant_to_victim(registry):
    background(registry)
    judgment = "(2024)闽0425刑初45号"
    registry.add("v1", "郑雅琴", source="victim", birth="1966-09-30", sex="女", judgment_no=judgment)
    registry.add("e1", "郑雅琴", source="enforcement", basis_no=judgment)
    registry.add("e2", "郑雅琴", source="enforcement", basis_no="(2023)闽0425民初9号")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["e1"] == p["v1"]
    assert p["e2"] != p["v1"]
    assert explanation(con, "e1", "v1")["case"]["level"] == "判决案号=执行依据"


def test_masked_name_links_only_with_strong_evidence(registry):
    background(registry)
    judgment = "(2024)闽0425刑初77号"
    registry.add("v1", "卢明华", source="victim", birth="1971-02-03", sex="男", township="均溪镇",
                 village="城关村", judgment_no=judgment)
    registry.add("e1", "卢某某", source="enforcement", masked=True, basis_no=judgment)
    # Same surname, township and village, but nothing strong: never linked on the name alone.
    registry.add(
        "t1", "卢某某", source="temp_relief", masked=True, sex="男", township="均溪镇", village="城关村"
    )
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["e1"] == p["v1"]
    assert p["t1"] not in (p["v1"], p["e1"])
    assert explanation(con, "e1", "v1")["name"]["level"] == "隐名兼容"


def _edge(name_level: str, weight: float, **levels: str) -> Edge:
    return Edge("a", "b", weight, 0.999, {"name": name_level, **levels}, {})


def test_never_rules_hold_whatever_the_weight():
    assert not acceptable(_edge("隐名兼容", 40.0, township="乡镇相同", village="村居相同", sex="性别相同"))
    assert acceptable(_edge("隐名兼容", 40.0, phone="电话相同"))
    assert not acceptable(_edge("姓名不同", 40.0, birth_date="出生日期相同", phone="电话相同"))
    assert not acceptable(_edge("隐名不符", 40.0, case="判决案号=执行依据"))
    assert not acceptable(_edge("姓名相同", model.MATCH_WEIGHT_THRESHOLD - 0.01))
    assert acceptable(_edge("姓名相同", model.MATCH_WEIGHT_THRESHOLD))


def test_corrupted_or_invalid_id_is_never_linked_through(registry):
    background(registry)
    # Excel turned both IDs into the same 3.50425197003E+17: not evidence of anything.
    registry.add("c1", "蔡文昌", id_status="corrupted", id_number="3.50425197003E+17", source="tekun")
    registry.add("c2", "蔡文昌", id_status="corrupted", id_number="3.50425197003E+17", source="unemployment")
    # A valid ID typed with a wrong check digit elsewhere: still no link through the cell.
    number = make_id("1988-07-01", 61)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    registry.add("d1", "张丽萍", id_number=number)
    registry.add("i1", "张丽芬", id_status="invalid", id_number=wrong, source="veteran")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["c1"] != p["c2"]
    assert p["i1"] != p["d1"]
    assert con.sql("SELECT count(*) FROM person_index WHERE method = 'single'").fetchall() == [(3,)]


def test_common_name_in_the_same_township_is_not_enough(registry):
    background(registry)
    registry.add("d1", "陈秀英", id_number=make_id("1950-05-05", 72), township="均溪镇")
    registry.add("d2", "陈秀英", id_number=make_id("1961-08-15", 82), township="均溪镇")
    registry.add("v1", "陈秀英", source="victim", township="均溪镇", sex="女")
    registry.add("v2", "陈秀英", source="temp_relief", township="均溪镇", sex="女", birth="1944-01-01")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert len({p["d1"], p["d2"], p["v1"], p["v2"]}) == 4


def test_term_frequency_makes_a_rare_name_count_more(registry):
    background(registry)
    for i in range(30):
        registry.add(f"w{i}", "王伟", id_number=make_id(f"19{40 + i}-02-02", 201 + 2 * i))
    registry.add("d1", "王伟", id_number=make_id("1983-03-03", 91), phone="13800000091")
    registry.add("d2", "欧阳雪凝", id_number=make_id("1983-03-03", 92), phone="13800000092")
    registry.add("x1", "王伟", source="veteran", phone="13800000091")
    registry.add("x2", "欧阳雪凝", source="veteran", phone="13800000092")
    con = registry.build()
    subjects = read_subjects(con)
    edges = {
        (e.left, e.right): e for e in score_residue(subjects.features, subjects.name_tf, subjects.population)
    }
    common, rare = edges[("d1", "x1")], edges[("d2", "x2")]
    assert common.levels["name"] == rare.levels["name"] == "姓名相同"
    assert rare.weights["name"] == pytest.approx(common.weights["name"] + 5, abs=1e-5)  # 32 王伟 : 1 欧阳雪凝
    assert (common.levels["name_unique"], rare.levels["name_unique"]) == ("同名不止一人", "全县唯一同名")


def test_a_record_fitting_two_persons_equally_joins_neither(registry):
    background(registry)
    # Two 林建华 with the same birth date and phone (twins); the record without ID fits both.
    registry.add("d1", "林建华", id_number=make_id("1990-10-10", 13), phone="13905980000", township="均溪镇")
    registry.add("d2", "林建华", id_number=make_id("1990-10-10", 15), phone="13905980000", township="均溪镇")
    registry.add("v1", "林建华", source="victim", birth="1990-10-10", sex="男", phone="13905980000")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["d1"] != p["d2"]
    assert p["v1"] not in (p["d1"], p["d2"])


def test_one_person_never_holds_two_valid_ids(registry):
    background(registry)
    # Two ID-less records: v1 clearly d1's (phone), v2 clearly d2's (village); v1–v2 agree on all
    # they share. Merging v1–v2 would make one person of two ID numbers: the weaker link loses.
    registry.add("d1", "林建华", id_number=make_id("1990-10-10", 13), phone="13905980000", township="均溪镇")
    registry.add("d2", "林建华", id_number=make_id("1990-10-10", 15), township="均溪镇", village="城关村")
    registry.add("v1", "林建华", source="victim", birth="1990-10-10", sex="男", phone="13905980000")
    registry.add("v2", "林建华", source="temp_relief", birth="1990-10-10", sex="男", village="城关村")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["d1"] != p["d2"]
    keys = con.sql("SELECT person_key, count(DISTINCT id_number) FROM persons GROUP BY ALL "
                   "HAVING count(DISTINCT id_number) > 1").fetchall()
    assert keys == []
    assert p["v1"] != p["v2"]
