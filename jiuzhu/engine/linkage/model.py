"""The probabilistic model: comparisons, their fixed m/u parameters, blocking, thresholds.

Parameters are fixed (not re-estimated per run) so that a run is reproducible and the DuckDB
and Spark engines score every pair identically. How they were chosen: docs/linkage.md.
Every SQL condition uses only functions both engines share (``=``, ``levenshtein``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from splink import SettingsCreator


# A pair is linked when its match weight reaches this (log2 Bayes factor, prior included).
MATCH_WEIGHT_THRESHOLD = 2.0
# Pairs below this are not even returned by the engine.
CANDIDATE_WEIGHT_FLOOR = 0.0
# The prior that two random records are one person is 1 / (estimated persons), set per run:
# with term frequencies also counted in persons, a name's weight does not drift with county size.


@dataclass(frozen=True)
class Level:
    label: str  # shown in explanations
    sql: str
    m: float | None = None
    u: float | None = None
    null: bool = False
    tf: str | None = None
    # u = per_persons / population: evidence that one candidate is the only one of its kind among the
    # persons (a record without ID has at most one such candidate, so a random pair is it with chance
    # ∝ 1/population) — its weight grows as the prior 1/population falls, and cancels it.
    per_persons: float | None = None


def _null(col: str) -> Level:
    return Level("缺失", f"{col}_l IS NULL OR {col}_r IS NULL", null=True)


def _residue_side(condition: str) -> str:
    """``condition`` on whichever side of the pair has no valid ID (``{s}`` → ``_l`` / ``_r``)."""
    return (f"((id_number_l IS NULL AND {condition.format(s='_l')}) OR "
            f"(id_number_r IS NULL AND {condition.format(s='_r')}))")


def _residue_side_of_id(condition: str) -> str:
    """``condition`` with ``{s}`` the side without valid ID and ``{o}`` the other (which has one)."""
    return (f"((id_number_l IS NULL AND id_number_r IS NOT NULL AND {condition.format(s='_l', o='_r')}) OR "
            f"(id_number_r IS NULL AND id_number_l IS NOT NULL AND {condition.format(s='_r', o='_l')}))")


_CASE_PAIR = (
    "(judgment_no_l IS NOT NULL AND basis_no_r IS NOT NULL) OR "
    "(basis_no_l IS NOT NULL AND judgment_no_r IS NOT NULL)"
)

@dataclass(frozen=True)
class Eligibility:
    """Who a registry can list, by its own rules: the age, in completed years (周岁), of a person at
    the record's own date. The birthday itself always counts in the person's favour (on the 16th
    birthday one is 16; on the 18th birthday one is still "under 18"), so a rule never excludes
    someone a registry might list. Legal basis of each rule: docs/linkage.md "Registry eligibility".
    """

    # The record's own date for the rule (a column of ``rec_<type>``); when the row gives none, the
    # batch's 数据截止日期 (as-of) is used for ``min_age``.
    dates: tuple[str, ...] = ()
    min_age: int = 0  # reached by the record's date; 0: born by the as-of date (see below)
    # Not yet this age at the record's own date (not checked against the as-of date: a person
    # ages on the roster after being listed).
    below_age: int | None = None


# Per source type; any other type only says the person was born by the batch's as-of date. "Born
# by the record's own date" (a 发证日期, 救助日期 before the birth) is true but not used: it only
# excludes the youngest namesakes, and one wrong date would then make an older namesake elsewhere
# the only candidate — a false join (docs/linkage.md).
ELIGIBILITY: dict[str, Eligibility] = {
    "prisoner": Eligibility(("sentence_start",), min_age=12),  # 刑法 §17: no criminal liability under 12
    "child_care": Eligibility(("enrolled_date",), below_age=18),  # 儿童: under 18 when enrolled
    "veteran": Eligibility(("discharge_date",), min_age=16),  # conservative: enlistment is 17–18
    # 法定劳动年龄: 16 (劳动法 §15) up to retirement; 65 is generous (2025 reform: men 63, women 55/58,
    # by 2040; flexible retirement up to 3 years later)
    "unemployment": Eligibility(("registered_date",), min_age=16, below_age=66),
}
DEFAULT_ELIGIBILITY = Eligibility()

INELIGIBLE_LEVEL = "年龄不符"
SHAPE_LEVEL = "形近"
# Names of one length, one character changed for one alike in shape (形近字: 王/玉, 己/已, 林/材):
# features._shape_variants lists a record without ID's names so (``|a|b|``, none holding ``|``).
SHAPE_PAIR = ("name_len_l = name_len_r AND "
              "(instr(name_shapes_l, name_fold_r) > 0 OR instr(name_shapes_r, name_fold_l) > 0)")

# Name levels that make a pair eligible to link at all (the rest never link, whatever else agrees).
NAME_COMPATIBLE = ("姓名相同", "繁简/异体字相同", "同音", "近音", SHAPE_LEVEL, "一字之差", "隐名兼容")
MASKED_LEVEL = "隐名兼容"
# A masked name links only with one of these (never on the name alone).
ALT_ID_LEVEL = "同行证件含此身份证号"
HOUSEHOLD_LEVEL = "户主同户同名"
HOUSE_LEVEL = "同村同门牌"
STRONG_EVIDENCE = {"birth_date": "出生日期相同", "phone": "电话相同", "case": "判决案号=执行依据",
                   "alt_id": ALT_ID_LEVEL}

# The ID number a record names: its own valid one, else the one another cell of its row gives
# (features.alt_number: 残疾证号, 户主身份证号 of the head's own row).
_NAMED_ID = "coalesce(id_number{s}, alt_id{s})"
_ALT_PAIR = (f"(alt_id_l IS NOT NULL AND {_NAMED_ID.format(s='_r')} IS NOT NULL) OR "
             f"(alt_id_r IS NOT NULL AND {_NAMED_ID.format(s='_l')} IS NOT NULL)")
# A member's row names the head; the head's 户 holds one ID-bearing person of that name (features.hh_id).
_HOUSEHOLD_PAIR = ("(hh_id_l IS NOT NULL AND id_number_r IS NOT NULL) OR "
                   "(hh_id_r IS NOT NULL AND id_number_l IS NOT NULL)")

def _town_unique_levels() -> list[Level]:
    """本乡镇唯一同名, by how many (eligible) namesakes the county holds (k = name_id_persons): of k
    namesakes the record's township holds one. The name's own weight says "one of k" (term frequency
    k / population); that the township holds only one of them is worth ∝ k — u = 0.08 / k at the
    bucket's lower bound (0.01 at k = 8) — so a name held by more people in a larger
    region keeps its evidence: the two together do not depend on k."""
    levels = []
    for low, high in ((2, 3), (4, 7), (8, 15), (16, 31), (32, 63), (64, 127), (128, None)):
        count = f"name_id_persons{{s}} >= {low}" + (f" AND name_id_persons{{s}} <= {high}" if high else "")
        levels.append(Level("本乡镇唯一同名", "township_l = township_r AND "
                            + _residue_side(f"name_town_id_persons{{s}} = 1 AND {count}"), 0.15, 0.08 / low))
    return levels


COMPARISONS: dict[str, list[Level]] = {
    "name": [
        _null("name_norm"),
        Level(MASKED_LEVEL,
              "(name_masked_l OR name_masked_r) AND surname_l = surname_r AND surname_l <> '' AND "
              "(name_len_l IS NULL OR name_len_r IS NULL OR name_len_l = name_len_r)", 0.04, 0.002),
        Level("隐名不符", "name_masked_l OR name_masked_r", 0.001, 0.05),
        Level("姓名相同", "name_norm_l = name_norm_r", 0.88, 0.0005, tf="name_norm"),
        Level("繁简/异体字相同", "name_fold_l = name_fold_r", 0.02, 0.00002),
        Level("同音", "pinyin_l = pinyin_r", 0.04, 0.0003),
        # Sounds a southern ear (and every pinyin input method's 模糊音 setting) confuses: 林/凌, 黄/方.
        Level("近音", "pinyin_fuzzy_l = pinyin_fuzzy_r", 0.02, 0.0006),
        # A character misread for one alike in shape (data/shape_alike.csv: stroke order one stroke
        # apart, four-corner code one corner apart). u: rarer by chance than a confused sound (the
        # table gives each character few partners); m: a quarter of 同音's — names are typed by
        # pinyin, a misread shape needs a handwritten source. Why these values: docs/linkage.md.
        Level(SHAPE_LEVEL, SHAPE_PAIR, 0.01, 0.0001),
        Level("一字之差", "name_len_l = name_len_r AND levenshtein(name_fold_l, name_fold_r) = 1",
              0.05, 0.003),
        Level("姓名不同", "ELSE", 0.01, 0.9922),
    ],
    # One-candidate evidence: the name on a record without ID is held by exactly one ID-bearing
    # person in the county, or in the township / village both records name (namesakes planted in
    # the same township fail this). For pairs of equal names where at least one side has no ID.
    "name_unique": [
        Level("不适用", "name_norm_l IS NULL OR name_norm_r IS NULL OR name_norm_l <> name_norm_r",
              null=True),
        Level("全县唯一同名", _residue_side("name_id_persons{s} = 1"), 0.4, 0.02),
        *_town_unique_levels(),
        Level("本村唯一同名", "village_l = village_r AND " + _residue_side("name_village_id_persons{s} = 1"),
              0.05, 0.004),
        # Two records without ID, a name no ID-bearing person holds: no evidence either way.
        Level("无持证同名者", _residue_side("name_id_persons{s} = 0"), 0.05, 0.05),
        Level("同名不止一人", "ELSE", 0.35, 0.916),
    ],
    # Near-name evidence (features._near_pairs): a record without ID whose name is one character or a
    # confused sound away from a registered person's, where that person is the only one of the kind in
    # the record's township or village — as a careful clerk would take 彰玉兰 of 溪口村 for its one 张玉兰.
    # Only for names that differ (equal names have name_unique). u ∝ 1/population (Level.per_persons):
    # at most one person is a record's only near name there, so the evidence does not fade as the
    # region grows. m: the person is the only one only if no neighbour bears a near name.
    "near_unique": [
        Level("不适用", "NOT (" + _residue_side_of_id("true") + ") OR name_norm_l = name_norm_r OR "
              "name_masked_l OR name_masked_r OR NOT (pinyin_fuzzy_l = pinyin_fuzzy_r OR "
              "(name_len_l = name_len_r AND levenshtein(name_fold_l, name_fold_r) <= 1))", null=True),
        Level("本乡镇唯一近名", "township_l = township_r AND " + _residue_side("near_town{s} = 1"),
              0.3, per_persons=300),
        Level("本村唯一近名", "village_l = village_r AND " + _residue_side("near_village{s} = 1"),
              0.5, per_persons=2000),
        # Other near names in the village, but this one alone both one character away and sounding
        # the same (彰玉兰: 张玉兰, not 陈玉兰): a sound confused, not a second slip.
        Level("本村唯一同音", "village_l = village_r AND pinyin_l = pinyin_r AND name_len_l = name_len_r AND "
              "levenshtein(name_fold_l, name_fold_r) = 1 AND " + _residue_side("near_village_pinyin{s} = 1"),
              0.3, per_persons=2000),
        # Likewise a sound a southern ear confuses (模糊音, -ng/-n, zh/z …: 许琳桂 for 许玲桂 where 许梅桂
        # and 许萍桂 are one character away too): the one person of the village whose name sounds so
        # (the count takes every name of that 模糊音 key, so a 同音 neighbour makes two).
        Level("本村唯一近音", "village_l = village_r AND pinyin_fuzzy_l = pinyin_fuzzy_r AND "
              "name_len_l = name_len_r AND levenshtein(name_fold_l, name_fold_r) = 1 AND "
              + _residue_side("near_village_fuzzy{s} = 1"), 0.3, per_persons=2000),
        # Likewise a character misread for one alike in shape (玉秀英: 王秀英, not 李秀英).
        Level("本村唯一形近", f"village_l = village_r AND {SHAPE_PAIR} AND "
              + _residue_side("near_village_shape{s} = 1"), 0.3, per_persons=2000),
        Level("近名不止一人", "ELSE", 0.5, 0.5),
    ],
    "birth_date": [
        _null("birth_date"),
        Level("出生日期相同", "birth_date_l = birth_date_r", 0.93, 0.00005),
        Level("出生年月相同", "birth_ym_l = birth_ym_r", 0.03, 0.0015),
        Level("出生年相同", "birth_year_l = birth_year_r", 0.02, 0.02),
        Level("出生年相差一年", "abs(CAST(birth_year_l AS INT) - CAST(birth_year_r AS INT)) = 1",
              0.015, 0.04),
        # A typo rarely moves a birth year further: a namesake a generation apart is someone else.
        Level("出生年份相差较大", "ELSE", 0.005, 0.93845),
    ],
    "sex": [
        _null("sex"),
        Level("性别相同", "sex_l = sex_r", 0.995, 0.5),
        Level("性别不同", "ELSE", 0.005, 0.5),
    ],
    "phone": [
        _null("phone"),
        Level("电话相同", "phone_l = phone_r", 0.6, 0.00005),
        Level("电话不同", "ELSE", 0.4, 0.99995),
    ],
    "township": [
        _null("township"),
        Level("乡镇相同", "township_l = township_r", 0.95, 0.07),
        Level("乡镇不同", "ELSE", 0.05, 0.93),
    ],
    "village": [
        _null("village"),
        Level("村居相同", "village_l = village_r AND (township_l IS NULL OR township_r IS NULL "
              "OR township_l = township_r)", 0.9, 0.004),
        Level("村居不同", "ELSE", 0.1, 0.996),
    ],
    # Registry eligibility: a residue record can only be a person its registry may list at that age
    # (ELIGIBILITY); the ID-bearing side's birth date is read from its ID number. Outside the window
    # never links (clustering); inside is no evidence by itself here — it counts in name_unique,
    # whose namesakes are only the eligible ones.
    "eligibility": [
        Level("不适用", "NOT (" + _residue_side_of_id(
            "(birth_from{s} IS NOT NULL OR birth_to{s} IS NOT NULL) AND id_birth{o} IS NOT NULL") + ")",
              null=True),
        Level(INELIGIBLE_LEVEL,
              _residue_side_of_id("(id_birth{o} < birth_from{s} OR id_birth{o} > birth_to{s})"),
              0.001, 0.25),
        Level("年龄相符", "ELSE", 0.5, 0.5),
    ],
    # Another cell of a residue row carries an ID number: equal to the other side's (valid or also
    # such) is near-certain — m: a 残疾证号 or 户主 cell typed wrong while the ID cell broke is rare;
    # u: two persons share it only if the cell names someone else's number and that person has this
    # name too (the name must still be compatible: clustering). Different is evidence against: the
    # row names another person's number (m 0.05 allows a mistyped certificate).
    # 户主同户同名: the one compatible name in the head's 户 — u: the 户籍 lists a member, yet the
    # row's member is another person of that name (a namesake relative outside the 户 while the
    # one inside is not on the 低保 roll): rare, 1e-6; m 0.9 as the 户 may have changed since.
    "alt_id": [
        Level("无同行证件可比", f"NOT ({_ALT_PAIR} OR {_HOUSEHOLD_PAIR})", null=True),
        Level(ALT_ID_LEVEL, f"{_NAMED_ID.format(s='_l')} = {_NAMED_ID.format(s='_r')}", 0.95, 1e-7),
        Level(HOUSEHOLD_LEVEL, "hh_id_l = id_number_r OR hh_id_r = id_number_l", 0.9, 1e-6),
        Level("同行证件号不同", "ELSE", 0.05, 0.9999999),
    ],
    # The house both addresses name (features._houses: same village and house number, the 组 agreeing
    # when both give one): m — a court row's address is often where the party lives, not the 户籍
    # one; u — a village holds a few hundred houses, and the village's own agreement is counted above.
    # Different houses are no evidence: only the houses a record without ID names are read.
    "address": [
        Level("无门牌可比", "house_l IS NULL OR house_r IS NULL", null=True),
        Level(HOUSE_LEVEL, "house_l = house_r AND (house_group_l IS NULL OR house_group_r IS NULL "
              "OR house_group_l = house_group_r)", 0.7, 0.003),
        Level("门牌号同组不同", "house_l = house_r", 0.02, 0.01),
        Level("门牌不同", "ELSE", 0.5, 0.5),
    ],
    "case": [
        Level("无案号可比", f"NOT ({_CASE_PAIR})", null=True),
        Level("判决案号=执行依据", "judgment_no_l = basis_no_r OR basis_no_l = judgment_no_r", 0.85, 0.00001),
        Level("案号不同", "ELSE", 0.15, 0.99999),
    ],
}

# A residue record is compared with every record meeting one of these (same SQL on both engines).
# The same pinyin alone is no rule: across a province a residue 王伟 would meet every 王伟 (pairs
# growing with the square of the region). A same-pinyin pair needs one more agreement that can carry
# it over the threshold — township, village, birth month — or a name at most one ID-bearing person
# holds (the one-candidate evidence); without any of them it scores below the threshold whatever
# the population (tests/engine/linkage/test_scale_blocking.py), so no link is lost.
BLOCKING_RULES: list[str] = [
    "l.pinyin = r.pinyin AND l.township = r.township",
    "l.pinyin = r.pinyin AND l.village = r.village",
    "l.pinyin = r.pinyin AND l.birth_ym = r.birth_ym",
    "l.name_norm = r.name_norm AND l.name_id_persons <= 1",
    "l.surname = r.surname AND l.birth_date = r.birth_date",
    "l.phone = r.phone",
    "l.judgment_no = r.basis_no",
    "l.basis_no = r.judgment_no",
    "l.name_head = r.name_head AND l.township = r.township",
    "l.name_tail = r.name_tail AND l.township = r.township",
    "l.alt_id = r.id_number",
    "l.id_number = r.alt_id",
    "l.alt_id = r.alt_id",
    "l.hh_id = r.id_number",
    "l.id_number = r.hh_id",
    # a house holds a handful of persons; a changed surname keeps the rest of the name; a confused sound
    "l.house = r.house",
    "l.name_rest = r.name_rest AND l.village = r.village",
    "l.pinyin_fuzzy = r.pinyin_fuzzy AND l.township = r.township",
]


def u_of(level: Level, population: int) -> float | None:
    """The level's u: fixed, or ``per_persons / population`` (at most 0.5)."""
    if level.per_persons is not None:
        return min(0.5, level.per_persons / max(population, 1))
    return level.u


def _level(level: Level, population: int):
    # here, not at the top: Splink and sqlglot load in ≈ 0.4–0.6 s, only a run that scores pairs pays for them
    import splink.comparison_level_library as cll

    lv = cll.CustomLevel(level.sql if level.sql != "ELSE" else "ELSE", label_for_charts=level.label)
    if level.null:
        return lv.configure(is_null_level=True)
    opts = {"m_probability": level.m, "u_probability": u_of(level, population)}
    if level.tf:
        opts.update(tf_adjustment_column=level.tf, tf_minimum_u_value=1e-9)
    return lv.configure(**opts)


def settings(link_type: str, population: int) -> SettingsCreator:
    """Splink settings for ``link_only`` (residue × ID records) or ``dedupe_only`` (residue)."""
    # here, not at the top: Splink loads in ≈ 0.4–0.6 s (see _level)
    import splink.comparison_library as cl
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        comparisons=[
            cl.CustomComparison(output_column_name=name,
                                comparison_levels=[_level(lv, population) for lv in levels])
            for name, levels in COMPARISONS.items()
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        probability_two_random_records_match=1.0 / max(population, 2),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["id_number", "name_masked"],
        unique_id_column_name="unique_id",
    )


def level_labels(comparison: str) -> dict[int, str]:
    """Splink's gamma value → our label (null level is -1, then counting down from the top)."""
    levels = COMPARISONS[comparison]
    out, n = {}, len([lv for lv in levels if not lv.null])
    for lv in levels:
        if lv.null:
            out[-1] = lv.label
        else:
            n -= 1
            out[n] = lv.label
    return out
