"""The name keys linkage compares, from the shared name rules (``jiuzhu.engine.identity.names``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from jiuzhu.engine.identity import names


@dataclass(frozen=True)
class NameKeys:
    norm: str  # normalise_name: half-width, no spaces, traditional → simplified
    fold: str  # fold_variants: 异体字 folded too (囯 → 国)
    pinyin: str  # toneless pinyin, surname readings applied (homophones share it)
    surname: str  # "" when none can be read (某某, 阿不都·热合曼)
    masked: bool
    length: int | None  # characters of the real name; None when a 某 mask hides it (卢某某 may be 卢明)


@lru_cache(maxsize=20_000)
def _syllable(char: str) -> str:
    return "".join(lazy_pinyin(char, style=Style.NORMAL, errors="ignore")).lower()


@lru_cache(maxsize=20_000)
def _surname_reading(surname: str) -> str:
    return names.pinyin_key(surname)  # the shared surname table: 曾 → zeng, 单 → shan


def _pinyin(norm: str, surname: str) -> str:
    """Like ``names.pinyin_key`` but a character at a time (cached): a county has ~10⁵ distinct names
    and only ~10³ distinct characters. Given names are read character by character either way."""
    rest = " ".join(s for s in (_syllable(c) for c in norm[len(surname):] if c != "·") if s)
    head = _surname_reading(surname) if surname else ""
    return f"{head} {rest}".strip()


@lru_cache(maxsize=500_000)
def name_keys(name: str | None) -> NameKeys | None:
    """All keys of one name as a registry wrote it; None for an empty cell."""
    norm = names.normalise_name(name)
    if not norm:
        return None
    if names.is_masked(norm):
        length = None if "某" in norm else len(norm)
        return NameKeys(norm, norm, "", names.surname(norm), True, length)
    fold = names.fold_variants(norm)
    surname = names.surname(fold)
    return NameKeys(norm, fold, _pinyin(fold, surname), surname, False, len(norm))
