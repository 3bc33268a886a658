"""The name keys linkage compares, from the shared name rules (``jiuzhu.engine.identity.names``)."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from jiuzhu.engine.identity import names, pseudonyms


class NameKeys(NamedTuple):  # a tuple: built ~10⁵ times per county, 6× cheaper than a frozen dataclass
    norm: str  # normalise_name: half-width, no spaces, traditional → simplified
    fold: str  # fold_variants: 异体字 folded too (囯 → 国)
    pinyin: str  # toneless pinyin, surname readings applied (homophones share it)
    surname: str  # "" when none can be read (某某, 阿不都·热合曼)
    masked: bool
    length: int | None  # characters of the real name; None when a 某 mask hides it (卢某某 may be 卢明)


_SYLLABLES: dict[str, str] = {}  # character → toneless syllable (a region holds ~10⁴ characters)


def _syllable(char: str) -> str:
    syllable = _SYLLABLES.get(char)
    if syllable is None:
        # here, not at the top: pypinyin's dictionaries load in ≈ 0.5 s, only for a run that derives names
        from pypinyin import Style, lazy_pinyin

        syllable = _SYLLABLES[char] = "".join(lazy_pinyin(char, style=Style.NORMAL, errors="ignore")).lower()
    return syllable


@lru_cache(maxsize=20_000)
def _surname_reading(surname: str) -> str:
    return names.pinyin_key(surname)  # the shared surname table: 曾 → zeng, 单 → shan


def _pinyin(norm: str, surname: str) -> str:
    """Like ``names.pinyin_key`` but a character at a time (cached): a county has ~10⁵ distinct names
    and only ~10³ distinct characters. Given names are read character by character either way."""
    rest = " ".join(s for s in (_syllable(c) for c in norm[len(surname):] if c != "·") if s)
    head = _surname_reading(surname) if surname else ""
    return f"{head} {rest}".strip()


def _plain_han_keys(name: str) -> NameKeys:
    """``name_keys`` of a name of CJK Unified Ideographs only (``names.is_plain_han``: most names),
    each rule applied once: for such text ``normalise_name`` is only traditional → simplified, the
    only mask character it can hold is 某, and it has no middle dot (a property test checks this
    path against the general one)."""
    norm = names.to_simplified(name)
    if "某" in norm:
        return NameKeys(norm, norm, "", _surname_of(norm), True, None)
    fold = names.fold_normalised(norm)
    # As surname(fold) does: it normalises again (no folded variant is a traditional form today).
    surname = _surname_of(names.to_simplified(fold))
    return NameKeys(norm, fold, _pinyin(fold, surname), surname, False, len(norm))


def _surname_of(text: str) -> str:
    """``names.surname`` of plain-Han text already normalised (no dot; the visible prefix is empty
    only when the name starts with 某)."""
    if len(text) >= 3 and text[:2] in names.COMPOUND_SURNAMES:
        return text[:2]
    return text[:1] if text[:1] != "某" else ""


@lru_cache(maxsize=500_000)
def name_keys(name: str | None) -> NameKeys | None:
    """All keys of one name as a registry wrote it; None for an empty cell."""
    if type(name) is str and names.is_plain_han(name):
        return _plain_han_keys(name)
    if type(name) is str and name[:1] in "NM" and (parts := pseudonyms.name_parts(name)) is not None:
        return NameKeys(*parts)  # a pseudonymised name carries its keys, hashed (docs/privacy.md)
    return general_name_keys(name)


def general_name_keys(name: str | None) -> NameKeys | None:
    """``name_keys`` by the general rules, for any text (the reference of the plain-Han path)."""
    norm = names.normalise_name(name)
    if not norm:
        return None
    if names.is_masked(norm):
        length = None if "某" in norm else len(norm)
        return NameKeys(norm, norm, "", names.surname(norm), True, length)
    fold = names.fold_variants(norm)
    surname = names.surname(fold)
    return NameKeys(norm, fold, _pinyin(fold, surname), surname, False, len(norm))
