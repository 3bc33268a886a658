"""The evidence of a name the record's township holds once does not weaken as the region grows: the
same 临时救助 row (name and township, no ID) scores the same against its one namesake of the township
in a county of 300,000 and in one of 1,000,000 (the same namesakes, a larger population), and a
second namesake in the township keeps it a tie in both (docs/linkage.md, "Misses left")."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from jiuzhu.engine.linkage.features import read_subjects
from jiuzhu.engine.linkage.model import MATCH_WEIGHT_THRESHOLD
from jiuzhu.engine.linkage.scoring import score_residue
from tests.engine.linkage.conftest import background, make_id


def _scores(registry, namesakes_in_town: int) -> dict[int, dict[tuple[str, str], tuple[float, str]]]:
    """(weight to 0.001 bit, 本乡镇 level) of each pair with the row ``r``, at 300,000 and 1,000,000
    persons (the prior λ/(1−λ) moves the fifth decimal)."""
    background(registry)
    registry.add("p", "卢德福", id_number=make_id("1962-04-05", 511), source="household", township="石牌镇",
                 household_no="H1")
    registry.add("elsewhere", "卢德福", id_number=make_id("1975-08-09", 513), source="household",
                 township="上京镇", household_no="H2")
    for k in range(namesakes_in_town - 1):
        registry.add(f"twin{k}", "卢德福", id_number=make_id(f"198{k}-03-04", 515 + 2 * k), source="household",
                     township="石牌镇", household_no=f"H{3 + k}")
    registry.add("r", "卢德福", source="temp_relief", township="石牌镇")
    subjects = read_subjects(registry.build())
    out = {}
    for population in (300_000, 1_000_000):
        # the same persons bear each name; the region around them is larger
        tf = subjects.name_tf.column("tf_name_norm")
        name_tf = subjects.name_tf.set_column(
            subjects.name_tf.schema.get_field_index("tf_name_norm"), "tf_name_norm",
            pc.multiply(tf, pa.scalar(subjects.population / population)))
        edges = score_residue(subjects.features, name_tf, population, floor=-100.0)
        out[population] = {(e.left, e.right): (round(e.match_weight, 3), e.levels["name_unique"])
                           for e in edges if "r" in (e.left, e.right)}
    return out


def test_the_one_namesake_of_the_township_scores_the_same_in_a_larger_county(registry):
    scores = _scores(registry, namesakes_in_town=1)
    assert scores[300_000] == scores[1_000_000]
    weight, level = scores[1_000_000][("p", "r")]
    assert level == "本乡镇唯一同名" and weight > MATCH_WEIGHT_THRESHOLD
    assert ("elsewhere", "r") not in scores[1_000_000]  # another township: not even a candidate


def test_two_namesakes_in_the_township_stay_a_tie_in_both(registry):
    scores = _scores(registry, namesakes_in_town=2)
    assert scores[300_000] == scores[1_000_000]
    for pair in (("p", "r"), ("r", "twin0")):
        weight, level = scores[1_000_000][pair]
        assert level != "本乡镇唯一同名" and weight < MATCH_WEIGHT_THRESHOLD, pair
