"""The name keys linkage compares, from the shared name rules (``jiuzhu.engine.identity.names``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jiuzhu.engine.identity import names


@dataclass(frozen=True)
class NameKeys:
    norm: str  # normalise_name: half-width, no spaces, traditional → simplified
    fold: str  # fold_variants: 异体字 folded too (囯 → 国)
    pinyin: str  # toneless pinyin, surname readings applied (homophones share it)
    surname: str  # "" when none can be read (某某, 阿不都·热合曼)
    masked: bool
    length: int | None  # characters of the real name; None when a 某 mask hides it (卢某某 may be 卢明)


@lru_cache(maxsize=500_000)
def name_keys(name: str | None) -> NameKeys | None:
    """All keys of one name as a registry wrote it; None for an empty cell."""
    norm = names.normalise_name(name)
    if not norm:
        return None
    if names.is_masked(norm):
        length = None if "某" in norm else len(norm)
        return NameKeys(norm, norm, "", names.surname(norm), True, length)
    return NameKeys(norm, names.fold_variants(norm), names.pinyin_key(norm), names.surname(norm), False, len(norm))
