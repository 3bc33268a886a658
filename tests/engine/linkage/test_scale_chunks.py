"""Scoring in slices (Splink's chunking, for a province's candidates) scores exactly the same pairs."""

from __future__ import annotations

from jiuzhu.engine.linkage import model
from jiuzhu.engine.linkage.features import read_subjects
from jiuzhu.engine.linkage.scoring import score_residue
from tests.engine.linkage.conftest import mixed_county


def test_slices_score_the_same_pairs_as_one_run(registry):
    mixed_county(registry, people=150)
    subjects = read_subjects(registry.build())
    features = subjects.features
    whole = score_residue(
        features, subjects.name_tf, subjects.population, floor=model.MATCH_WEIGHT_THRESHOLD - 1e-5
    )
    # 7 slices of the candidates: several pairs per slice, every slice non-trivial.
    sliced = score_residue(
        features,
        subjects.name_tf,
        subjects.population,
        floor=model.MATCH_WEIGHT_THRESHOLD - 1e-5,
        chunk_rows=-(-features.num_rows // 7),
    )
    assert len(whole) > 100
    assert sliced == whole  # same pairs, same weights and levels, same order
