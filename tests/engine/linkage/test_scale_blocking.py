"""The blocking rules lose no link: a same-pinyin pair that meets no rule scores below the threshold.

Pure pinyin blocking was dropped for province scale (a residue 王伟 would meet every 王伟 of the
province). These pairs agree on pinyin but on nothing a rule needs: no common township, village or
birth month, a name two or more ID-bearing persons hold (or a homophone / variant form), no phone
or case in common. Whatever the population, their best case stays under MATCH_WEIGHT_THRESHOLD.
"""

from __future__ import annotations

from math import log2

from jiuzhu.engine.linkage import model
from jiuzhu.engine.linkage.features import MIN_POPULATION
from jiuzhu.engine.linkage.scoring import _swap_sides, paired_with


def _weight(comparison: str, label: str) -> float:
    level = next(lv for lv in model.COMPARISONS[comparison] if lv.label == label)
    return 0.0 if level.null else log2(level.m / level.u)


def _best(comparison: str, *labels: str) -> float:
    """The best a pair can get on ``comparison`` among these levels or a missing value (0 bits)."""
    return max(0.0, *(_weight(comparison, lb) for lb in labels))


def test_a_same_pinyin_pair_no_rule_blocks_never_reaches_the_threshold():
    exact = next(lv for lv in model.COMPARISONS["name"] if lv.label == "姓名相同")
    # Exact name held by k ≥ 2 persons: log2(m / (k / P)) plus the prior log2(1 / P) = log2(m / k).
    exact_shared = log2(exact.m / 2) + _weight("name_unique", "同名不止一人")
    # Variant or homophone forms: their own m/u, and the prior of the smallest population.
    other_forms = max(_weight("name", "繁简/异体字相同"), _weight("name", "同音")) - log2(MIN_POPULATION)
    rest = (_best("birth_date", "出生年相同", "出生年相差一年", "出生年份相差较大")
            + _best("sex", "性别相同", "性别不同")
            + _best("phone", "电话不同") + _best("township", "乡镇不同") + _best("village", "村居不同")
            + _best("case", "案号不同") + _best("eligibility", "年龄相符", "年龄不符")
            # no common village: no house in common, nor a near name that is the only one there
            + _best("address", "门牌不同") + _best("near_unique", "近名不止一人"))
    assert max(exact_shared, other_forms) + rest < model.MATCH_WEIGHT_THRESHOLD


def test_no_rule_pairs_on_the_pinyin_alone():
    assert "l.pinyin = r.pinyin" not in model.BLOCKING_RULES


def test_rules_are_tried_both_ways_round_in_the_candidate_filter():
    assert _swap_sides("l.judgment_no = r.basis_no AND l.x <= 1") == "r.judgment_no = l.basis_no AND r.x <= 1"
    sql = paired_with("residue")
    # victim ↔ applicant both ways (the swap of one is the other: joined once each)
    assert sql.count("l.judgment_no = r.basis_no") == 1 and sql.count("l.basis_no = r.judgment_no") == 1
    assert sql.count("l.pinyin = r.pinyin AND l.township = r.township") == 1  # a symmetric rule once
    assert "r.name_norm = l.name_norm AND r.name_id_persons <= 1" in sql  # an asymmetric one both ways
