"""Registry eligibility by age (model.ELIGIBILITY): each rule at its boundary, the namesake counts
behind name_unique, and the "never" rule in clustering (directly and through other records)."""

from __future__ import annotations

import pytest

from jiuzhu.engine.linkage import link_connection, model
from jiuzhu.engine.linkage.clustering import acceptable, cluster
from jiuzhu.engine.linkage.features import read_subjects
from jiuzhu.engine.linkage.scoring import Edge, score_residue
from tests.engine.linkage.conftest import background, make_id

# (case, source of the record without ID, its own dates, birth date of its ID-bearing namesake,
#  expected level)
BOUNDARIES = [
    (
        "unemployment: the day before the 16th birthday",
        "unemployment",
        {"when": "2024-05-09"},
        "2008-05-10",
        "年龄不符",
    ),
    ("unemployment: the 16th birthday", "unemployment", {"when": "2024-05-10"}, "2008-05-10", "年龄相符"),
    (
        "unemployment: the 66th birthday (still 65)",
        "unemployment",
        {"when": "2024-05-10"},
        "1958-05-10",
        "年龄相符",
    ),
    (
        "unemployment: the day after the 66th birthday",
        "unemployment",
        {"when": "2024-05-11"},
        "1958-05-10",
        "年龄不符",
    ),
    (
        "child_care: enrolled on the 18th birthday",
        "child_care",
        {"when": "2024-03-01"},
        "2006-03-01",
        "年龄相符",
    ),
    ("child_care: enrolled the day after it", "child_care", {"when": "2024-03-02"}, "2006-03-01", "年龄不符"),
    ("child_care: 20 at the as-of date, no 纳入日期", "child_care", {}, "2005-01-01", "年龄相符"),
    (
        "prisoner: sentence starts the day before the 12th birthday",
        "prisoner",
        {"when": "2022-06-30"},
        "2010-07-01",
        "年龄不符",
    ),
    (
        "prisoner: sentence starts on the 12th birthday",
        "prisoner",
        {"when": "2022-07-01"},
        "2010-07-01",
        "年龄相符",
    ),
    ("prisoner: no 刑期起日, 12 the day after the as-of date", "prisoner", {}, "2013-11-01", "年龄不符"),
    ("prisoner: no 刑期起日, 12 on the as-of date", "prisoner", {}, "2013-10-31", "年龄相符"),
    (
        "veteran: discharged the day before the 16th birthday",
        "veteran",
        {"when": "2015-12-31"},
        "2000-01-01",
        "年龄不符",
    ),
    ("veteran: discharged on the 16th birthday", "veteran", {"when": "2016-01-01"}, "2000-01-01", "年龄相符"),
    ("disability: born the day after the as-of date", "disability", {}, "2025-11-01", "年龄不符"),
    ("disability: born on the as-of date", "disability", {}, "2025-10-31", "年龄相符"),
    (
        "child_care: 纳入日期 before birth is not used (born by the as-of date)",
        "child_care",
        {"when": "2019-01-01"},
        "2020-02-02",
        "年龄相符",
    ),
]

SURNAMES = "赵钱孙李周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def _name(i: int) -> str:
    return SURNAMES[i] + "雨" + "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"[i]


def test_each_rule_at_its_boundary(registry):
    background(registry)
    for i, (_, source, dates, birth, _expected) in enumerate(BOUNDARIES):
        # the same phone too, so that even an ineligible pair scores above the candidate floor
        phone = f"1390598{i:04d}"
        registry.add(
            f"d{i:02d}", _name(i), id_number=make_id(birth, 11 + 2 * i), township="均溪镇", phone=phone
        )
        registry.add(f"r{i:02d}", _name(i), source=source, township="均溪镇", phone=phone, **dates)
    con = registry.build()
    subjects = read_subjects(con)
    edges = {
        (e.left, e.right): e for e in score_residue(subjects.features, subjects.name_tf, subjects.population)
    }
    got = {
        case: edges[(f"d{i:02d}", f"r{i:02d}")].levels["eligibility"]
        for i, (case, *_) in enumerate(BOUNDARIES)
    }
    assert got == {case: expected for case, *_, expected in BOUNDARIES}
    # and the link follows, however strong the rest (same name, phone and township)
    link_connection(con)
    index = dict(con.sql("SELECT record_id, person_key FROM person_index").fetchall())
    linked = {case: index[f"d{i:02d}"] == index[f"r{i:02d}"] for i, (case, *_) in enumerate(BOUNDARIES)}
    assert linked == {case: expected == "年龄相符" for case, *_, expected in BOUNDARIES}


def test_windows_as_features(registry):
    background(registry)
    registry.add("u1", "林美华", source="unemployment", when="2024-05-10")
    registry.add("c1", "林美华", source="child_care", when="2024-03-01")
    registry.add("c2", "林美华", source="child_care")
    registry.add("p1", "林美华", source="prisoner")
    registry.add("d1", "林美华", id_number=make_id("1990-01-02", 17))
    con = registry.build()
    rows = {r["unique_id"]: r for r in read_subjects(con).features.to_pylist()}
    window = {rid: (rows[rid]["birth_from"], rows[rid]["birth_to"]) for rid in ("u1", "c1", "c2", "p1")}
    assert window == {"u1": ("1958-05-10", "2008-05-10"), "c1": ("2006-03-01", "2025-10-31"),
                      "c2": (None, "2025-10-31"), "p1": (None, "2013-10-31")}
    assert (rows["d1"]["id_birth"], rows["d1"]["birth_from"], rows["d1"]["birth_to"]) == (
        "1990-01-02",
        None,
        None,
    )
    assert rows["u1"]["id_birth"] is None


def test_only_eligible_namesakes_count_for_name_unique(registry):
    background(registry)
    # 上京镇 has a working-age 陈秀英 and one aged 80; a 失业登记 row gives the name and township only.
    registry.add("d1", "陈秀英", id_number=make_id("1985-02-14", 22), township="上京镇")
    registry.add("d2", "陈秀英", id_number=make_id("1945-09-09", 24), township="上京镇")
    registry.add("u1", "陈秀英", source="unemployment", township="上京镇", when="2025-03-03")
    # the same in 石牌镇, but both namesakes are of working age: nothing tells them apart
    registry.add("d3", "林建华", id_number=make_id("1980-06-06", 31), township="石牌镇")
    registry.add("d4", "林建华", id_number=make_id("1976-01-20", 33), township="石牌镇")
    registry.add("u2", "林建华", source="unemployment", township="石牌镇", when="2025-03-03")
    # a name only one person holds, but he is 80: a 失业登记 row with it is someone else
    registry.add("d5", "谢德旺", id_number=make_id("1945-03-03", 35), township="石牌镇")
    registry.add("u3", "谢德旺", source="unemployment", township="石牌镇", when="2025-03-03")
    con = registry.build()
    rows = {r["unique_id"]: r for r in read_subjects(con).features.to_pylist()}
    counts = {
        rid: (rows[rid]["name_id_persons"], rows[rid]["name_town_id_persons"]) for rid in ("u1", "u2", "u3")
    }
    # (the background has one more working-age 陈秀英, in 济阳乡)
    assert counts == {"u1": (2, 1), "u2": (2, 2), "u3": (0, 0)}
    # ID-bearing: everyone
    d1 = rows["d1"]
    assert (d1["name_id_persons"], d1["name_town_id_persons"]) == (3, 2)
    link_connection(con)
    index = dict(con.sql("SELECT record_id, person_key FROM person_index").fetchall())
    methods = dict(con.sql("SELECT record_id, method FROM person_index").fetchall())
    assert index["u1"] == index["d1"] != index["d2"]
    assert index["u2"] not in (index["d3"], index["d4"])
    assert index["u3"] != index["d5"]
    assert (methods["u2"], methods["u3"]) == ("single", "single")
    why = con.sql(
        "SELECT comparisons FROM link_explanations WHERE record_id_l = 'd1' AND record_id_r = 'u1'"
    ).fetchall()
    assert '"name_unique": {"level": "本乡镇唯一同名"' in why[0][0]
    assert '"eligibility": {"level": "年龄相符", "weight": 0.0}' in why[0][0]


def _edge(a: str, b: str, weight: float, eligibility: str = "不适用") -> Edge:
    return Edge(a, b, weight, 0.999, {"name": "姓名相同", "eligibility": eligibility}, {})


def test_ineligible_pair_is_never_acceptable_whatever_the_weight():
    assert not acceptable(_edge("a", "b", 40.0, model.INELIGIBLE_LEVEL))
    assert acceptable(_edge("a", "b", 40.0, "年龄相符"))


@pytest.mark.parametrize("first", ["with_id", "between_residue"])
def test_never_joins_an_ineligible_person_through_other_records(first):
    number = make_id("2005-05-05", 41)  # born 2005
    ids = ["d1", "r1", "r2"]
    # r1 allows births up to 2000 (say a 失业登记 of 2016); r2 has no window; r2 fits d1 well.
    windows = {"r1": (None, "2000-01-01")}
    weights = {"with_id": (12.0, 8.0), "between_residue": (8.0, 12.0)}[first]
    edges = [_edge("d1", "r2", weights[0]), _edge("r1", "r2", weights[1])]
    part = cluster(ids, {"d1": number}, edges, windows=windows)
    assert part.cluster_of["r1"] != part.cluster_of["d1"]
    # the stronger link wins: r2 goes with d1, or stays with r1 (then it cannot join d1)
    assert (part.cluster_of["r2"] == part.cluster_of["d1"]) == (first == "with_id")
    assert (part.cluster_of["r2"] == part.cluster_of["r1"]) == (first == "between_residue")
    # without the window r1 would have joined d1 through r2
    assert len(set(cluster(ids, {"d1": number}, edges).cluster_of.values())) == 1


def test_windows_of_residue_records_narrow_when_they_join():
    number = make_id("1990-01-01", 43)
    windows = {"r1": (None, "1995-01-01"), "r2": ("1991-01-01", None)}  # together: born 1991–1995
    edges = [_edge("r1", "r2", 12.0), _edge("d1", "r1", 8.0)]
    part = cluster(["d1", "r1", "r2"], {"d1": number}, edges, windows=windows)
    assert part.cluster_of["r1"] == part.cluster_of["r2"] != part.cluster_of["d1"]
