"""What a careful clerk uses when a row has no usable ID and a mistyped name (issue 16), each kind of
evidence both ways: the pair that should link links, and the namesake that must not does not.

- the house both addresses name (same village and house number; the 组 agreeing);
- the house known only through another member of the same 户 (the household's other records);
- a near name that is the only one of its kind in the village or the township (彰玉兰 → 张玉兰);
- a sound a southern ear confuses (模糊音: 林/凌), alone in its village among other near names (琳/玲);
- a character misread for one alike in shape (形近: 王/玉), alone in its village or with a birth date;
- the case: 判决案号 = 执行依据文书号 ties a victim row to the enforcement row;
- a 户主身份证号 written with 15 digits or full-width digits gives the household version too.
"""

from __future__ import annotations

import json

import pytest

from jiuzhu.engine.linkage import link_connection, model
from jiuzhu.engine.linkage.features import read_subjects
from jiuzhu.engine.linkage.scoring import score_residue
from tests.engine.linkage.conftest import background, make_id
from tests.engine.linkage.test_comparisons import persons

ADDR = "福建省三明市大田县均溪镇城东村{}"


def strongest(con, rid: str) -> dict:
    """The comparisons of the strongest accepted link of record ``rid``."""
    rows = con.execute("SELECT comparisons FROM link_explanations WHERE ? IN (record_id_l, record_id_r) "
                       "ORDER BY match_weight DESC LIMIT 1", [rid]).fetchall()
    assert rows, f"no link for {rid}"
    return json.loads(rows[0][0])


def _village(
    registry, names: dict[str, str], town: str = "均溪镇", village: str = "城东村"
) -> dict[str, str]:
    """ID-bearing 户籍 records (no address) of the village; returns record → ID number."""
    out = {}
    for i, (rid, name) in enumerate(names.items()):
        out[rid] = make_id(f"19{60 + i}-0{1 + i % 9}-1{i % 9}", 400 + 2 * i)
        registry.add(rid, name, id_number=out[rid], source="household", township=town, village=village,
                     household_no=f"H{rid}")
    return out


def _two_linhualan(registry, house: str) -> dict[str, str]:
    """Two 林华兰 in one village, the first also in a registry that writes her address (3组12号); a
    court row without ID, the surname heard as 琳, nothing but an address naming ``house``."""
    background(registry)
    a, b = make_id("1970-02-03", 501), make_id("1971-05-06", 503)
    registry.add(
        "a", "林华兰", id_number=a, source="household", township="均溪镇", village="城东村", household_no="H1"
    )
    registry.add(
        "b", "林华兰", id_number=b, source="household", township="均溪镇", village="城东村", household_no="H2"
    )
    registry.add("a_vet", "林华兰", id_number=a, source="veteran", address=ADDR.format("3组12号"))
    registry.add("v", "琳华兰", source="victim", address=ADDR.format(house))
    con = registry.build()
    link_connection(con)
    return persons(con)


def test_the_house_both_addresses_name_tells_two_namesakes_apart(registry):
    p = _two_linhualan(registry, "3组12号")
    assert p["v"] == p["a"] != p["b"]
    why = strongest(registry.con, "v")
    assert why["address"]["level"] == model.HOUSE_LEVEL and why["name"]["level"] == "同音"


def test_the_village_alone_does_not_pick_one_of_two_namesakes(registry):
    p = _two_linhualan(registry, "7组40号")  # another house of the village
    assert p["v"] not in (p["a"], p["b"])


def test_a_house_given_another_group_is_not_the_same_house(registry):
    background(registry)
    a, b = make_id("1970-02-03", 501), make_id("1971-05-06", 503)
    registry.add(
        "a", "林华兰", id_number=a, source="veteran", township="均溪镇", address=ADDR.format("3组12号")
    )
    registry.add("b", "林华兰", id_number=b, source="household", township="均溪镇", village="城东村")
    registry.add("v", "琳华兰", source="victim", address=ADDR.format("5组12号"))
    con = registry.build()
    rows = {r["unique_id"]: r for r in read_subjects(con).features.to_pylist()}
    assert rows["v"]["house"] == rows["a"]["house"] == "均溪镇|城东村|12"
    assert (rows["v"]["house_group"], rows["a"]["house_group"]) == (
        "均溪镇|城东村|12|5",
        "均溪镇|城东村|12|3",
    )
    link_connection(con)
    p = persons(con)
    assert p["v"] not in (p["a"], p["b"])


def test_the_house_of_another_member_of_the_household(registry):
    background(registry)
    head, wife, other = make_id("1955-03-03", 511), make_id("1958-08-08", 512), make_id("1957-01-01", 514)
    # The head's address is in the 退役军人 file; his wife 陈秀英 is only in 户籍 (no address), and
    # another 陈秀英 lives in the same village, another 户.
    registry.add("h", "林德福", id_number=head, source="household", township="均溪镇", village="城东村",
                 household_no="H1")
    registry.add("h_vet", "林德福", id_number=head, source="veteran", address=ADDR.format("2组8号"))
    registry.add("s", "陈秀英", id_number=wife, source="household", township="均溪镇", village="城东村",
                 household_no="H1")
    registry.add("o", "陈秀英", id_number=other, source="household", township="均溪镇", village="城东村",
                 household_no="H2")
    registry.add("v", "陈秀瑛", source="victim", address=ADDR.format("2组8号"))
    con = registry.build()
    rows = {r["unique_id"]: r for r in read_subjects(con).features.to_pylist()}
    assert rows["s"]["house"] == "均溪镇|城东村|8" and rows["o"]["house"] is None
    link_connection(con)
    p = persons(con)
    assert p["v"] == p["s"] != p["o"]
    # the same row at a house of neither 户: the two 陈秀英 tie
    con.execute("UPDATE subjects SET address = ? WHERE record_id = 'v'", [ADDR.format("9组77号")])
    link_connection(con)
    p = persons(con)
    assert p["v"] not in (p["s"], p["o"])


def test_the_one_near_name_of_the_village(registry):
    background(registry)
    ids = _village(registry, {"z": "张玉兰", "c": "陈玉兰", "l": "林玉兰"})
    _village(registry, {"z2": "张玉兰"}, village="溪口村")
    _village(registry, {"z3": "张玉兰", "z4": "张玉兰"}, village="岭安村")
    # 彰 heard for 张; only the address, which names the village. In 城东村 one 张玉兰 sounds alike
    # (陈玉兰, 林玉兰 are one character away but do not): she is the one. In 岭安村 two: neither.
    registry.add("e", "彰玉兰", source="enforcement", address=ADDR.format("4组30号"))
    registry.add("f", "彰玉兰", source="enforcement", address="福建省三明市大田县均溪镇岭安村1组2号")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["e"] == p["z"] == "p" + __import__("hashlib").sha256(ids["z"].encode()).hexdigest()[:16]
    assert strongest(con, "e")["near_unique"]["level"] == "本村唯一同音"
    assert p["f"] not in (p["z3"], p["z4"])


def test_an_unrelated_character_links_only_when_it_is_the_one_near_name_of_the_township(registry):
    background(registry)
    _village(registry, {"r": "吕贵强"}, town="上京镇", village="南山村")
    _village(registry, {"q": "李志明", "q2": "李志鸣"}, town="上京镇", village="北山村")
    registry.add("v", "温贵强", source="victim", address="福建省三明市大田县上京镇南山村9组11号")
    registry.add("x", "李志朋", source="victim", address="福建省三明市大田县上京镇北山村9组11号")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["v"] == p["r"]
    assert strongest(con, "v")["near_unique"]["level"] == "本乡镇唯一近名"
    assert p["x"] not in (p["q"], p["q2"])  # two near names (志明, 志鸣) in the village: neither


# A sound a southern ear confuses (林/凌), a character misread for one alike in shape (玉 read as 王):
# the one of that birth date links; another age links to neither (no link on the name alone).
@pytest.mark.parametrize(("name", "slip", "level"), [("林秀英", "凌秀英", "近音"),
                                                    ("陈玉珍", "陈王珍", model.SHAPE_LEVEL)])
def test_a_slip_of_sound_or_shape_links_on_the_birth_date_not_to_another_age(registry, name, slip, level):
    background(registry)
    number = make_id("1966-06-06", 521)
    registry.add("d", name, id_number=number, source="household", township="石牌镇")
    registry.add("n", name, id_number=make_id("1990-01-01", 523), source="household", township="石牌镇")
    registry.add("u", slip, source="temp_relief", birth="1966-06-06", sex="女", township="石牌镇")
    registry.add("k", slip, source="temp_relief", birth="1975-03-03", sex="女", township="石牌镇")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["u"] == p["d"] != p["n"]
    assert strongest(con, "u")["name"]["level"] == level
    assert p["k"] not in (p["d"], p["n"])


def test_a_surname_misread_for_one_alike_in_shape_is_the_one_of_the_village(registry):
    background(registry)
    ids = _village(registry, {"w": "王秀英", "l": "李秀英"})
    _village(registry, {"w2": "王秀英", "w3": "王秀英"}, village="岭安村")
    # 玉 misread for 王 (the surname changed: met through the name without it + the village); in 城东村
    # two names are one character away, only 王秀英 alike in shape: she is the one. In 岭安村 two
    # 王秀英: neither (the tie rule).
    registry.add("e", "玉秀英", source="victim", address=ADDR.format("4组30号"))
    registry.add("f", "玉秀英", source="victim", address="福建省三明市大田县均溪镇岭安村1组2号")
    con = registry.build()
    rows = {r["unique_id"]: r for r in read_subjects(con).features.to_pylist()}
    assert rows["e"]["name_shapes"] == "|王秀英|示秀英|玉份英|玉秀茵|" and rows["w"]["name_shapes"] is None
    assert (rows["e"]["near_village"], rows["e"]["near_village_shape"]) == (2, 1)
    link_connection(con)
    p = persons(con)
    assert p["e"] == p["w"] == "p" + __import__("hashlib").sha256(ids["w"].encode()).hexdigest()[:16]
    why = strongest(con, "e")
    assert (why["name"]["level"], why["near_unique"]["level"]) == (model.SHAPE_LEVEL, "本村唯一形近")
    assert p["f"] not in (p["w2"], p["w3"])


def test_a_confused_sound_is_the_one_of_the_village_among_other_near_names(registry):
    background(registry)
    ids = _village(registry, {"l": "许玲桂", "m": "许梅桂", "p": "许萍桂"})
    _village(registry, {"l2": "许玲桂", "g2": "许灵桂"}, village="溪口村")
    _village(registry, {"l3": "许玲桂", "l4": "许玲桂"}, village="岭安村")
    # 琳 lín typed for 玲 líng (-ng/-n, 模糊音); only the address. In 城东村 three names are one character
    # away, one of them sounds so: she is the one. In 溪口村 许灵桂 líng sounds so too, in 岭安村 two
    # 许玲桂: neither.
    registry.add("e", "许琳桂", source="victim", address=ADDR.format("4组30号"))
    registry.add("f", "许琳桂", source="victim", address="福建省三明市大田县均溪镇溪口村1组2号")
    registry.add("g", "许琳桂", source="victim", address="福建省三明市大田县均溪镇岭安村1组2号")
    con = registry.build()
    subjects = read_subjects(con)
    rows = {r["unique_id"]: r for r in subjects.features.to_pylist()}
    assert [(rows[r]["near_village"], rows[r]["near_village_fuzzy"]) for r in "efg"] == [(3, 1), (2, 2), (2, 2)]
    # in a county of a million persons too (the level's u ∝ 1/population cancels the prior)
    weights = {(e.left, e.right): e.match_weight
               for e in score_residue(subjects.features, subjects.name_tf, 1_000_000, floor=-100.0)}
    assert weights[("e", "l")] >= model.MATCH_WEIGHT_THRESHOLD
    assert max(weights[pair] for pair in (("f", "l2"), ("f", "g2"), ("g", "l3"), ("g", "l4"))) < 0
    link_connection(con)
    p = persons(con)
    assert p["e"] == p["l"] == "p" + __import__("hashlib").sha256(ids["l"].encode()).hexdigest()[:16]
    why = strongest(con, "e")
    assert (why["name"]["level"], why["near_unique"]["level"]) == ("近音", "本村唯一近音")
    assert p["f"] not in (p["l2"], p["g2"])
    assert p["g"] not in (p["l3"], p["l4"])


def test_an_unrelated_character_is_the_one_near_name_of_the_village(registry):
    background(registry)
    _village(registry, {"c": "陈霞莉", "o": "林德福"})
    _village(registry, {"c2": "陈霞莉", "z2": "曾霞丽"}, village="溪口村")
    # 阵 for 陈 (neither alike in sound nor in the shape table); only the address. In 城东村 陈霞莉 is the
    # only near name: hers. In 溪口村 曾霞丽 has the 模糊音 key of 阵霞莉 (zen xia li): two near names.
    registry.add("e", "阵霞莉", source="enforcement", address=ADDR.format("4组30号"))
    registry.add("f", "阵霞莉", source="enforcement", address="福建省三明市大田县均溪镇溪口村1组2号")
    con = registry.build()
    subjects = read_subjects(con)
    weights = {(e.left, e.right): e.match_weight
               for e in score_residue(subjects.features, subjects.name_tf, 1_000_000, floor=-100.0)}
    # at a county's size (this registry's handful of persons counts as 20,000, MIN_POPULATION, where
    # 近音 alone would carry f to 曾霞丽)
    assert weights[("c", "e")] >= model.MATCH_WEIGHT_THRESHOLD > max(weights[("c2", "f")], weights[("f", "z2")])
    link_connection(con)
    p = persons(con)
    assert p["e"] == p["c"]
    assert (strongest(con, "e")["name"]["level"], strongest(con, "e")["near_unique"]["level"]) == (
        "一字之差", "本村唯一近名")


def test_two_persons_whose_names_are_alike_in_shape_stay_apart(registry):
    background(registry)
    # 王林 and 王材 of one village, both registered: a row naming 王材 with his birth date is his, never
    # 王林's, though 林/材 are alike in shape and the village is the same
    lin, cai = make_id("1958-04-04", 551), make_id("1983-10-10", 553)
    registry.add("a", "王林", id_number=lin, source="household", township="均溪镇", village="城东村")
    registry.add("b", "王材", id_number=cai, source="household", township="均溪镇", village="城东村")
    registry.add("v", "王材", source="temp_relief", birth="1983-10-10", sex="男", township="均溪镇",
                 village="城东村")
    registry.add("x", "王林", source="temp_relief", birth="1958-04-04", sex="男", township="均溪镇",
                 village="城东村")
    # and a 玉秀英 of 溪口村 is not the one 王秀英 of the township, who lives in 城东村
    _village(registry, {"w": "王秀英"})
    _village(registry, {"o": "林德福"}, village="溪口村")
    registry.add("y", "玉秀英", source="victim", address="福建省三明市大田县均溪镇溪口村1组2号")
    con = registry.build()
    link_connection(con)
    p = persons(con)
    assert p["v"] == p["b"] != p["a"] == p["x"]
    assert p["y"] not in (p["w"], p["o"])


def test_the_case_ties_the_victim_row_to_the_enforcement_row(registry):
    background(registry)
    number = make_id("2005-04-12", 531)
    registry.add("d", "林国俊", id_number=number, source="household", township="桃源镇")
    registry.add("n", "林国俊", id_number=make_id("2004-09-09", 533), source="household", township="桃源镇")
    registry.add("e", "林国俊", id_number=number, source="enforcement", basis_no="(2024)闽0425刑初45号")
    registry.add("v", "淋国俊", source="victim", judgment_no="（2024）闽0425刑初45号")
    registry.add("w", "淋国俊", source="victim", judgment_no="(2024)闽0425刑初46号")  # another case
    con = registry.build()
    # as intake stores it
    con.execute("UPDATE rec_victim SET judgment_no = '(2024)闽0425刑初45号' WHERE record_id = 'v'")
    link_connection(con)
    p = persons(con)
    assert p["v"] == p["e"] == p["d"] != p["n"]
    assert strongest(con, "v")["case"]["level"] == "判决案号=执行依据"
    assert p["w"] not in (p["d"], p["n"])


def test_a_head_number_in_15_digits_or_full_width_gives_the_household_version(registry):
    background(registry)
    head, son, namesake = make_id("1958-01-20", 541), make_id("1985-04-04", 543), make_id("1986-02-02", 545)
    registry.add("h", "郑德福", id_number=head, township="均溪镇", source="household", household_no="H1")
    registry.add("s", "郑小明", id_number=son, township="均溪镇", source="household", household_no="H1")
    registry.add("n", "郑小明", id_number=namesake, township="均溪镇", source="household", household_no="H2")
    legacy = head[:6] + head[8:17]
    wide = head.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    registry.add(
        "m15",
        "郑小明",
        source="dibao",
        township="均溪镇",
        head_name="郑德福",
        head_id_number=legacy,
        relation="子",
    )
    registry.add("mfw", "郑小明", source="dibao", township="均溪镇", head_name="郑德福", head_id_number=wide,
                 relation="子")
    con = registry.build()
    rows = {r["unique_id"]: r for r in read_subjects(con).features.to_pylist()}
    assert (rows["m15"]["hh_id"], rows["mfw"]["hh_id"]) == (son, son)
    link_connection(con)
    p = persons(con)
    assert p["m15"] == p["mfw"] == p["s"] != p["n"]
