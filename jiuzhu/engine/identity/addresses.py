"""Find the township (乡镇/街道) and village (村/社区) a free-text Chinese address names.

Registries that keep no 乡镇/村 columns (退役军人, 服刑人员, court parties) still write an address:
``福建省三明市大田县广平镇桥石村10组18号``, ``大田县均溪镇城东社区居委会``, ``广平镇 桥石村委会``.
Linkage compares township and village, so an address is read back into them — but only against
the places the deployment knows, and never by guessing: two townships named equally → nothing.

Rules (see docs/linkage.md "Township and village from the address"):

- text is NFKC-folded (full-width → half-width), traditional → simplified, spaces and line breaks
  removed; ``村民委员会``/``村委会``/``村委`` read as ``村``, ``社区居民委员会``/``社区居委会`` as ``社区``;
- a township is found by its full name (``广平镇``); failing that, by its stem (``广平``) when the
  stem is followed by another township suffix (``乡``/``镇``/``街道``: 乡改镇) or by one of its own
  villages; overlapping hits keep the longest; two different townships → ``None``;
- text before the township may name our province, city and county in any abbreviation, or nothing;
  naming another county (``尤溪县``) there → ``None`` (township names repeat between counties);
- the village is searched after the township, among that township's villages only; two different
  villages → township only. Without a township, a village name found in exactly one township gives
  both; a village name several townships have → ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from jiuzhu.engine.identity.names import to_simplified

_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
# Committee forms first (longest first): 村民委员会 → 村, 社区居民委员会 → 社区, 居委会 → 社区.
_COMMITTEES = (
    ("社区居民委员会", "社区"), ("社区居委会", "社区"), ("村民委员会", "村"), ("居民委员会", "社区"),
    ("村委会", "村"), ("居委会", "社区"), ("村委", "村"),
)
_TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
# Levels above a township: a name ending in one of these before the township names a county, a
# district or a city — ours (removed first), or another one.
_COUNTY_MARK = re.compile(r"(县|区|旗|市)")


def clean(text: str) -> str:
    """The address as compared: half-width, simplified, no spaces, committee forms shortened."""
    out = _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", text)))
    for long, short in _COMMITTEES:
        out = out.replace(long, short)
    return out


def _stem(township: str) -> str:
    for suffix in _TOWN_SUFFIXES:
        if township.endswith(suffix) and len(township) - len(suffix) >= 2:
            return township[: -len(suffix)]
    return ""


def _hits(text: str, needle: str) -> list[tuple[int, int]]:
    """Every (start, end) of needle in text."""
    spans, at = [], text.find(needle)
    while at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans


class _Needles:
    """Every place of every name of a set in a text, without trying each name (a province knows
    ~10³ townships, and reads millions of addresses): names indexed by their first two characters."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_head: dict[str, list[str]] = {}
        self.short: list[str] = []
        for name in sorted(set(names)):
            if len(name) >= 2:
                self.by_head.setdefault(name[:2], []).append(name)
            elif name:
                self.short.append(name)

    def hits(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) for every occurrence, overlapping ones included (as :func:`_hits`)."""
        spans = [(a, b, n) for n in self.short for a, b in _hits(text, n)]
        for i in range(len(text) - 1):
            for name in self.by_head.get(text[i:i + 2], ()):
                if text.startswith(name, i):
                    spans.append((i, i + len(name), name))
        return spans


def _longest(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop a hit lying inside a longer one (华兴镇 hides 兴镇)."""
    return [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                                        for o in spans)]


class Place(NamedTuple):
    township: str
    village: str | None


class House(NamedTuple):
    """Where in a village: its 组 (村民小组, 队, 社) and house number, as numbers in text (``3``, ``18``)."""

    township: str
    village: str
    group: str | None
    number: str | None


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
# 3组 / 三组 / 第三村民小组 / 二队 / 5社; then a house number 18号 (or 18栋, 18幢); the 组 comes first
# when both are given. A number written before any 号 (桥石村18) is not read: it may be a road's.
_GROUP = re.compile(r"^第?([0-9]{1,3}|[零一二两三四五六七八九十〇]{1,3})(?:村民小组|小组|组|队|社)")
_NUMBER = re.compile(r"([0-9]{1,5})(?:-[0-9]{1,4})?(?:号|栋|幢)")


def _cn_number(text: str) -> str | None:
    """``3`` → ``3``, ``十二`` → ``12``, ``二十`` → ``20``; None when not a number."""
    if text.isdigit():
        return str(int(text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        value = (_CN_DIGITS.get(tens, -100) if tens else 1) * 10 + (_CN_DIGITS.get(ones, -100) if ones else 0)
        return str(value) if value > 0 else None
    digits = [_CN_DIGITS.get(c) for c in text]
    return str(int("".join(map(str, digits)))) if all(d is not None for d in digits) else None


def house_numbers(after_village: str) -> tuple[str | None, str | None]:
    """The 组 and house number at the start of the text after a village name (cleaned text):
    ``10组18号`` → (``10``, ``18``), ``三组`` → (``3``, None), ``18号`` → (None, ``18``)."""
    group = None
    m = _GROUP.match(after_village)
    if m:
        group = _cn_number(m.group(1))
        after_village = after_village[m.end():]
    n = _NUMBER.search(after_village)
    return group, (str(int(n.group(1))) if n else None)


class AddressIndex:
    """The known places of one county; ``locate(address)`` reads an address against them."""

    def __init__(self, townships: Iterable[str], villages: Mapping[str, Iterable[str]] | None = None,
                 region_names: Iterable[str] = ()) -> None:
        # cleaned name → the value as the data spells it (the first spelling wins, sorted for determinism)
        self.townships: dict[str, str] = {}
        for t in sorted({t for t in townships if t and t.strip()}):
            self.townships.setdefault(clean(t), t)
        self.stems: dict[str, set[str]] = {}
        for key in self.townships:
            if stem := _stem(key):
                self.stems.setdefault(stem, set()).add(key)
        self.villages: dict[str, dict[str, str]] = {}  # township key → village key → value
        self.village_towns: dict[str, set[str]] = {}  # village key → township keys holding it
        for town, names in sorted((villages or {}).items()):
            tkey = clean(town) if town else ""
            if tkey not in self.townships:
                continue
            for v in sorted({v for v in names if v and v.strip()}):
                vkey = clean(v)
                if len(vkey) < 2:
                    continue
                self.villages.setdefault(tkey, {}).setdefault(vkey, v)
                self.village_towns.setdefault(vkey, set()).add(tkey)
        # our own province/city/county, full and short (福建省/福建, 大田县/大田), longest first
        names = {clean(n) for n in region_names if n}
        names |= {n[:-1] for n in names if len(n) >= 3 and n[-1] in "省市县区"}
        names |= {n[:-3] for n in names if n.endswith("自治区") or n.endswith("自治县")}
        self.region_names = sorted((n for n in names if len(n) >= 2), key=len, reverse=True)
        self._towns = _Needles(self.townships)
        self._stems = _Needles(self.stems)
        self._villages = _Needles(self.village_towns)
        self._villages_of = {t: _Needles(vs) for t, vs in self.villages.items()}

    # ------------------------------------------------------------------ pieces
    def _township_hits(self, text: str) -> list[tuple[int, int, str]]:
        spans = self._towns.hits(text)
        if not spans:  # the stem, only where what follows confirms it
            for a, b, stem in self._stems.hits(text):
                keys, rest = self.stems[stem], text[b:]
                if rest.startswith(("乡", "镇", "街道")):
                    spans.extend((a, b, k) for k in keys)
                else:
                    spans.extend((a, b, k) for k in keys
                                 if any(rest.startswith(v) for v in self.villages.get(k, ())))
        return _longest(spans)

    def _foreign_prefix(self, prefix: str) -> bool:
        """True when the text before the township names a county other than ours."""
        for n in self.region_names:
            prefix = prefix.replace(n, "")
        return bool(_COUNTY_MARK.search(prefix))

    def _village(self, text: str, town: str) -> str | None:
        return self._village_at(text, town)[0]

    def _village_at(self, text: str, town: str) -> tuple[str | None, int]:
        """The one village of ``town`` the text names, and where its name ends (or None, 0)."""
        if town not in self._villages_of:
            return None, 0
        spans = _longest(self._villages_of[town].hits(text))
        found = {v for _, _, v in spans}
        if len(found) != 1:
            return None, 0
        return self.villages[town][found.pop()], max(b for _, b, _ in spans)

    # ------------------------------------------------------------------ the answer
    def locate(self, address: object) -> Place | None:
        """(township, village or None) the address names, or None when it names none or several."""
        found = self._locate(address)
        return found[0] if found else None

    def house(self, address: object) -> House | None:
        """The village, 组 and house number the address names (``…桥石村10组18号`` → 桥石村, 10, 18), or
        None when it names no village of its township or neither a 组 nor a number after it."""
        return self.read(address)[1]

    def read(self, address: object) -> tuple[Place | None, House | None]:
        """:meth:`locate` and :meth:`house` of one address, the text read once."""
        found = self._locate(address)
        if not found:
            return None, None
        if found[0].village is None:
            return found[0], None
        group, number = house_numbers(found[1])
        if group is None and number is None:
            return found[0], None
        return found[0], House(found[0].township, found[0].village, group, number)

    def _locate(self, address: object) -> tuple[Place, str] | None:
        """:meth:`locate`, and the text after the village (where the 组 and house number are)."""
        if address is None:
            return None
        text = clean(str(address))
        if not text:
            return None
        spans = self._township_hits(text)
        towns = {key for _, _, key in spans}
        if len(towns) > 1:
            return None  # two townships named equally: never guess
        if towns:
            town = towns.pop()
            start = min(a for a, _, _ in spans)
            end = max(b for _, b, _ in spans)
            if self._foreign_prefix(text[:start]):
                return None
            village, after = self._village_at(text[end:], town)
            return Place(self.townships[town], village), text[end + after:]
        # no township: a village name that only one township has
        spans = _longest(self._villages.hits(text))
        found = {v for _, _, v in spans}
        if len(found) != 1:
            return None
        vkey = found.pop()
        holders = self.village_towns[vkey]
        if len(holders) != 1 or self._foreign_prefix(text[:min(a for a, _, _ in spans)]):
            return None
        town = next(iter(holders))
        return Place(self.townships[town], self.villages[town][vkey]), text[max(b for _, b, _ in spans):]


def locate(address: object, townships: Iterable[str], villages: Mapping[str, Iterable[str]] | None = None,
           region_names: Iterable[str] = ()) -> Place | None:
    """One address against the given places (build an ``AddressIndex`` once for many addresses)."""
    return AddressIndex(townships, villages, region_names).locate(address)
