"""Residents in households, drawn as numpy arrays (never one Python object per resident).

A household is up to ten slots (户主, 配偶, three children, the head's parents, two
grandchildren, one other); each type of household fills some of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

import jiuzhu.engine.synth.names as nm
from jiuzhu.engine.synth.places import FUJIAN_COUNTIES, phones

RELATIONS = ("户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女", "兄弟姐妹", "其他")
HEAD, SPOUSE, SON, DAUGHTER, FATHER, MOTHER, GRANDSON, GRANDDAUGHTER, SIBLING, OTHER = range(10)
STATUSES = ("正常", "死亡", "失踪")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = np.array(list("10X98765432"), dtype=object)
_EPOCH = date(1970, 1, 1)


@dataclass
class County:
    """Where a chunk of people lives."""

    division: str
    name: str
    court_prefix: str
    townships: tuple[str, ...]
    villages: list[list[str]]
    province: str = "福建省"
    city: str = ""


@dataclass
class Population:
    county: County
    person_offset: int  # global index of the first resident (stable person ids)
    household_offset: int
    # per person
    household: np.ndarray  # local household index
    relation: np.ndarray  # index into RELATIONS
    male: np.ndarray
    birth: np.ndarray  # days since 1970-01-01
    status: np.ndarray  # index into STATUSES (true state, updated by scenarios)
    name: np.ndarray  # object
    id_number: np.ndarray  # object, 18 digits
    phone: np.ndarray  # object, "" for young children
    # per household
    hh_township: np.ndarray
    hh_village: np.ndarray
    hh_address: np.ndarray  # object

    @property
    def size(self) -> int:
        return len(self.household)

    def person_id(self, i: int) -> str:
        return f"P{self.person_offset + i:09d}"

    def household_no(self, h: int) -> str:
        return f"{self.county.division}{self.household_offset + h:07d}"

    def township(self) -> np.ndarray:
        return self.hh_township[self.household]

    def village(self) -> np.ndarray:
        return self.hh_village[self.household]


def days(d: date) -> int:
    return (d - _EPOCH).days


def to_date(n: int) -> date:
    return date.fromordinal(_EPOCH.toordinal() + int(n))


def ages(birth: np.ndarray, as_of: date) -> np.ndarray:
    """Whole years at ``as_of`` (vectorised; a birthday on as_of counts)."""
    b = birth.astype("datetime64[D]")
    y = b.astype("datetime64[Y]").astype(int) + 1970
    md = (b - b.astype("datetime64[Y]")).astype(int)  # day of year, 0-based
    m = b.astype("datetime64[M]").astype(int) % 12 + 1
    d = (b - b.astype("datetime64[M]")).astype(int) + 1
    del md
    before = (m > as_of.month) | ((m == as_of.month) & (d > as_of.day))
    return as_of.year - y - before.astype(int)


def _id_numbers(division: np.ndarray, birth: np.ndarray, male: np.ndarray, local: str, chunk: int,
                sharing: int, province: bool) -> np.ndarray:
    """Unique valid 18-digit numbers. Within (division, birth date, sex) people are ranked and
    numbered apart. The three sequence digits hold 250 numbers per sex. One county in one
    chunk: everyone draws from all 250. One county split into ``sharing`` chunks: people born
    in it take every ``sharing``-th of the first 240 (interleaved by chunk), people born
    elsewhere the last 10. Province (one chunk per county): people born in the chunk's county
    take the first 125, people born elsewhere the last 125, one offset per chunk. Chunks made
    apart therefore do not collide unless one (date, sex) group outgrows its share (which
    needs a single county of several million residents)."""
    n = len(birth)
    div_num = np.array([int(d) for d in division], dtype=np.int64)
    order = np.lexsort((male, birth, div_num))
    k = div_num[order] * 10**7 + birth[order].astype(np.int64) * 2 + male[order]
    starts = np.r_[True, k[1:] != k[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - group_start
    # the same offset for a group in every chunk (so that the bands stay apart), varied
    # between groups so that numbers do not all start at 001
    offset = (birth.astype(np.int64) * 7 + div_num * 13 + male) % 250
    is_local = division == local
    if sharing <= 1 and province:
        slot = np.where(is_local, (offset + rank) % 125, 125 + (offset + chunk + rank) % 125)
    elif sharing <= 1:
        slot = (offset + rank) % 250
    else:
        slot = np.where(is_local, (offset + chunk % sharing + rank * sharing) % 240, 240 + (offset + chunk + rank) % 10)
    seq = slot * 2 + male.astype(np.int64)  # odd = male
    digits = np.zeros((n, 17), dtype=np.uint8)
    digits[:, :6] = (div_num[:, None] // 10 ** np.arange(5, -1, -1)) % 10
    b = birth.astype("datetime64[D]")
    y = b.astype("datetime64[Y]").astype(np.int64) + 1970
    m = b.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (b - b.astype("datetime64[M]")).astype(np.int64) + 1
    ymd = y * 10000 + m * 100 + d
    digits[:, 6:14] = (ymd[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    digits[:, 14:17] = (seq[:, None] // 10 ** np.arange(2, -1, -1)) % 10
    total = (digits.astype(np.int64) * np.array(_WEIGHTS)).sum(axis=1) % 11
    check = np.frombuffer(b"10X98765432", dtype=np.uint8)[total]
    chars = np.concatenate([digits + 48, check[:, None]], axis=1).astype(np.uint8)
    return chars.view("S18").ravel().astype("U18").astype(object)


def build_population(rng: np.random.Generator, county: County, n: int, as_of: date,
                     person_offset: int = 0, household_offset: int = 0, chunk: int = 0, sharing: int = 1,
                     province: bool = False, local_share: float = 0.9) -> Population:
    """About ``n`` residents (exactly n after trimming the last household)."""
    h = int(n / 2.9) + 50
    kind = rng.choice(7, size=h, p=[0.12, 0.15, 0.42, 0.05, 0.14, 0.07, 0.05])
    A, B, C, D, E, F, G = range(7)
    u = rng.random
    head_age = np.select(
        [kind == A, kind == B, kind == C, kind == D, kind == E, kind == F, kind == G],
        [np.where(u(h) < 0.6, 60 + 35 * u(h), 25 + 35 * u(h)), 25 + 60 * u(h), 25 + 30 * u(h),
         25 + 30 * u(h), 28 + 27 * u(h), 55 + 25 * u(h), 50 + 25 * u(h)])
    head_male = np.where(kind == A, u(h) < 0.5, np.where(kind == D, u(h) < 0.3, u(h) < 0.85))
    slots = 10
    present = np.zeros((h, slots), dtype=bool)
    age = np.zeros((h, slots))
    male = np.zeros((h, slots), dtype=bool)
    rel = np.zeros((h, slots), dtype=np.int8)
    present[:, 0] = True
    age[:, 0] = head_age
    male[:, 0] = head_male
    rel[:, 0] = HEAD
    couple = np.isin(kind, (B, C, E, F, G))
    present[:, 1] = couple
    age[:, 1] = np.clip(head_age + np.where(head_male, -2, 2) + rng.normal(0, 3, h), 20, 99)
    male[:, 1] = ~head_male
    rel[:, 1] = SPOUSE
    mother_age = np.where(couple, np.minimum(age[:, 0], age[:, 1]), head_age)
    n_children = np.select([kind == C, kind == D, kind == E, kind == G],
                           [rng.choice([1, 2, 3], h, p=[0.35, 0.5, 0.15]), rng.choice([1, 2], h),
                            rng.choice([0, 1, 2], h, p=[0.2, 0.5, 0.3]), np.ones(h, dtype=int)], 0)
    first_gap = 22 + 13 * u(h)
    for i in range(3):
        a = mother_age - first_gap - i * (1.5 + 3 * u(h))
        a = np.where(kind == G, head_age - 24 - 4 * u(h), a)
        ok = (n_children > i) & (a >= 0)
        present[:, 2 + i] = ok
        age[:, 2 + i] = np.maximum(a, 0)
        male[:, 2 + i] = u(h) < 0.52
        rel[:, 2 + i] = np.where(male[:, 2 + i], SON, DAUGHTER)
    for j, (is_male, r, p) in enumerate(((True, FATHER, 0.6), (False, MOTHER, 0.8))):
        a = head_age + 24 + 8 * u(h)
        present[:, 5 + j] = (kind == E) & (u(h) < p) & (a < 99)
        age[:, 5 + j] = a
        male[:, 5 + j] = is_male
        rel[:, 5 + j] = r
    n_grand = np.where(np.isin(kind, (F, G)), rng.choice([1, 2], h, p=[0.6, 0.4]), 0)
    for i in range(2):
        a = np.where(kind == F, 16 * u(h), age[:, 2] - 23 - 7 * u(h) - 2 * i)
        present[:, 7 + i] = (n_grand > i) & (a >= 0)
        age[:, 7 + i] = np.maximum(a, 0)
        male[:, 7 + i] = u(h) < 0.52
        rel[:, 7 + i] = np.where(male[:, 7 + i], GRANDSON, GRANDDAUGHTER)
    other = u(h) < 0.04
    sib = u(h) < 0.6
    present[:, 9] = other
    age[:, 9] = np.clip(np.where(sib, head_age + rng.normal(0, 6, h), 10 + 60 * u(h)), 1, 95)
    male[:, 9] = u(h) < 0.5
    rel[:, 9] = np.where(sib, SIBLING, OTHER)

    # trim to exactly n residents, whole households first
    sizes = present.sum(axis=1)
    cum = np.cumsum(sizes)
    keep_h = int(np.searchsorted(cum, n)) + 1
    present, age, male, rel = present[:keep_h], age[:keep_h], male[:keep_h], rel[:keep_h]
    kind, head_male = kind[:keep_h], head_male[:keep_h]
    h = keep_h
    hh_idx = np.broadcast_to(np.arange(h)[:, None], (h, slots))
    flat = present.ravel()
    household = hh_idx.ravel()[flat][:n]
    relation = rel.ravel()[flat][:n]
    p_male = male.ravel()[flat][:n]
    p_age = age.ravel()[flat][:n]
    slot = np.broadcast_to(np.arange(slots)[None, :], (h, slots)).ravel()[flat][:n]
    h = int(household[-1]) + 1

    today = days(as_of)
    birth = (today - np.floor(p_age * 365.2425) - rng.integers(1, 365, n)).astype(np.int64)

    # surnames: children take the father's, the head's parents the head's father's
    head_sur = nm.draw_surnames(rng, h)
    spouse_sur = nm.draw_surnames(rng, h)
    father_sur = np.where(head_male[:h], head_sur, np.where(np.isin(kind[:h], (B, C, E, F, G)), spouse_sur, head_sur))
    own_sur = nm.draw_surnames(rng, n)
    surname = np.select(
        [slot == 0, slot == 1, (slot >= 2) & (slot <= 4), slot == 5, (slot >= 7) & (slot <= 8)],
        [head_sur[household], spouse_sur[household], father_sur[household], head_sur[household],
         father_sur[household]], own_sur)
    surname = np.where((slot == 9) & (relation == SIBLING), head_sur[household], surname)
    given = nm.draw_given(rng, p_male)
    name = (surname.astype(object) + given).astype(object)

    # where people were born: most locally, some elsewhere in Fujian
    others = np.array([c for c, _ in FUJIAN_COUNTIES if c != county.division], dtype=object)
    division = np.where(rng.random(n) < local_share, county.division, others[rng.integers(0, len(others), n)])
    division = np.where(p_age < 18, county.division, division).astype(object)
    id_number = _id_numbers(division, birth, p_male, county.division, chunk, sharing, province)

    status = np.zeros(n, dtype=np.int8)
    p_age_i = ages(birth, as_of)
    phone = phones(rng, n, county.division)
    phone[p_age_i < 16] = ""

    weights = np.ones(len(county.townships))
    weights[0] = 3.0
    hh_township = rng.choice(len(county.townships), size=h, p=weights / weights.sum())
    hh_village = (
        np.array([rng.integers(0, len(county.villages[t])) for t in hh_township.tolist()], dtype=np.int64)
        if h < 200_000
        else (rng.random(h) * np.array([len(county.villages[t]) for t in hh_township.tolist()])).astype(np.int64)
    )
    group = rng.integers(1, 13, h)
    number = rng.integers(1, 120, h)
    prefix = f"{county.province}{county.city}{county.name}"
    hh_address = np.array([f"{prefix}{county.townships[t]}{county.villages[t][v]}{g}组{k}号"
                           for t, v, g, k in zip(hh_township.tolist(), hh_village.tolist(), group.tolist(),
                                                 number.tolist(), strict=True)], dtype=object)
    return Population(county, person_offset, household_offset, household.astype(np.int64), relation.astype(np.int8),
                      p_male.astype(bool), birth, status, name, id_number, phone, hh_township.astype(np.int64),
                      hh_village, hh_address)
