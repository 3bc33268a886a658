"""Keyed pseudonyms (假名) of ID numbers, names and phones, as ``jiuzhu pseudonymize`` writes them.

The key stays with the units; this module reads pseudonyms without it. Each form is what the platform
needs to link on and no more (docs/privacy.md):

- **ID** (18 characters, never a real ID — it starts with ``P``): ``P`` + 5 keyed characters + the
  birth date ``YYYYMMDD`` + 2 keyed characters + a keyed digit with the sex's parity (odd = 男) + a
  check character. Positions 7–14 and 17 mean what they mean in a real ID, so birth date and sex are
  read from it as from an ID (``idcard.birth_date``, ``idcard.sex``); equal IDs give equal pseudonyms.
- **name** ``N`` + keyed hashes of the normalised name, of its 异体-folded form, of its pinyin key and of
  its surname, and its length: the exact, 繁简/异体, 同音 and masked-name comparisons of linkage survive.
  A masked name (``卢某某``) is ``M`` + the keyed surname + its length (``0`` when a 某 hides it).
- **phone** ``T`` + 12 keyed hex digits of the normalised number: equal phones stay equal.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
_ID = re.compile(r"P[A-Z2-7]{5}(\d{8})[A-Z2-7]{2}\d[A-Z2-7]")
NAME = re.compile(r"N([0-9A-F]{12})-([0-9A-F]{10})-([0-9A-F]{10}|)-([0-9A-F]{6}|)-(\d{1,3})")
MASKED_NAME = re.compile(r"M([0-9A-F]{6}|)-(\d{1,3})")
PHONE = re.compile(r"T[0-9A-F]{12}")


def id_check(first17: str) -> str:
    """The check character of an ID pseudonym (no key: it only tells a pseudonym from stray text)."""
    total = sum((i + 1) * ID_ALPHABET.find(c) if c in ID_ALPHABET else (i + 1) * (ord(c) - 48)
                for i, c in enumerate(first17))
    return ID_ALPHABET[total % 32]


def is_id(text: str) -> bool:
    """An ID pseudonym: the form, a real birth date and the check character."""
    m = _ID.fullmatch(text)
    if m is None or id_check(text[:17]) != text[17]:
        return False
    digits = m.group(1)
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return True


def is_name(text: str) -> bool:
    return bool(NAME.fullmatch(text) or MASKED_NAME.fullmatch(text))


def is_masked_name(text: str) -> bool:
    return bool(MASKED_NAME.fullmatch(text))


def is_phone(text: str) -> bool:
    return bool(PHONE.fullmatch(text))


class NameParts(NamedTuple):
    """What a name pseudonym carries (the fields of ``linkage.namekeys.NameKeys``)."""

    norm: str
    fold: str
    pinyin: str
    surname: str
    masked: bool
    length: int | None


def name_parts(text: str) -> NameParts | None:
    """The keys a name pseudonym carries, or None when ``text`` is none."""
    if m := NAME.fullmatch(text):
        return NameParts(m[1], m[2], m[3], m[4], False, int(m[5]))
    if m := MASKED_NAME.fullmatch(text):
        length = int(m[2])
        return NameParts(text, text, "", m[1], True, length or None)
    return None
