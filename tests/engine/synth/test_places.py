"""The county's villages: drawn 8–20 per township; a county too populous for them gets more, not bigger ones."""

from __future__ import annotations

import numpy as np

from jiuzhu.engine.synth.generate import counties_for
from jiuzhu.engine.synth.places import RESIDENTS_PER_VILLAGE, village_names


def _sizes(villages: list[list[str]]) -> list[int]:
    return [len(v) for v in villages]


def test_a_county_of_its_own_size_keeps_the_drawn_villages() -> None:
    drawn = village_names(np.random.default_rng(5), 18)
    assert _sizes(drawn) == [16, 16, 12, 12, 17, 17, 18, 14, 14, 15, 12, 18, 18, 16, 9, 11, 11, 17]
    # 263 villages hold 2,500 residents each up to 657,500 residents: nothing drawn beyond them
    assert village_names(np.random.default_rng(5), 18, residents=310_000) == drawn
    assert village_names(np.random.default_rng(5), 18, residents=657_500) == drawn


def test_a_million_residents_get_more_villages_of_the_same_size() -> None:
    drawn = village_names(np.random.default_rng(5), 18)
    grown = village_names(np.random.default_rng(5), 18, residents=1_000_000)
    # each township × 1,000,000 / (2,500 × 263) = × 1.52, rounded
    assert _sizes(grown) == [24, 24, 18, 18, 26, 26, 27, 21, 21, 23, 18, 27, 27, 24, 14, 17, 17, 26]
    assert sum(_sizes(grown)) == 398
    assert round(1_000_000 / 398) == 2_513 and RESIDENTS_PER_VILLAGE == 2_500
    assert all(g[: len(d)] == d for d, g in zip(drawn, grown, strict=True))  # the first ones stay
    assert all(len(set(v)) == len(v) for v in grown)
    # the county seat (first township) keeps half of its units 社区: 12 of 24
    assert grown[0][16:] == ["坑岭社区", "大洲社区", "尾平社区", "凤和社区", "大北村", "林溪村", "溪坪村", "口兴村"]
    assert sum(n.endswith("社区") for n in grown[0]) == 12
    assert not any(n.endswith("社区") for v in grown[1:] for n in v)


def test_the_configured_county_at_benchmark_sizes() -> None:
    def villages(residents: int, seed: int) -> int:
        (county, _), *rest = counties_for(residents, False, np.random.default_rng([seed, 0]))
        assert all(c is county for c, _ in rest)  # the chunks of one county share its villages
        return sum(_sizes(county.villages))

    assert [villages(n, 72001) for n in (20_000, 300_000, 310_000, 1_000_000)] == [248, 248, 248, 401]
