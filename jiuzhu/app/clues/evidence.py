"""Why a clue's records belong to one person, read through the engine seam (engine/api.py person_file), and
which of a person's source records a user sees (the clue page and the person page ask).
No warehouse, no linkage run yet, or a busy file: the page says so instead of failing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.roles import PARTNER_ROLES, PROCURATORS
from jiuzhu.engine.api import (
    PersonFile,
    WarehouseUnavailable,
    person_file,
    sources_of_unit,
    warehouse_version,
)

# who searches persons and sees their source records (persons/access.py says what each sees)
SEARCH_ROLES = PROCURATORS | PARTNER_ROLES


def sees_whole_warehouse(user) -> bool:
    """Procuratorate handlers and leaders see every source record (screening and 核查 are their work)."""
    profile = profile_of(user)
    return profile is not None and profile.in_procuratorate and profile.role in SEARCH_ROLES


def record_filter(user, clue_record_ids: set[str]):
    """Which source records of a person the user sees (a predicate on engine SourceRecords): all of them, or
    (a partner unit) those of the registries its unit sends and those of its clues, ``clue_record_ids``."""
    if sees_whole_warehouse(user):
        return lambda r: True
    own = set(sources_of_unit(profile_of(user).unit.code))
    return lambda r: r.source_type in own or r.record_id in clue_record_ids


# Opening the warehouse and reading a person's records costs a clue page more than all else (≈ 50–100 ms of
# CPU); a handler reloads the same clue after each step. A person's file is kept while the warehouse
# file and its WAL are unchanged (any import or linkage rewrites them), for this many persons per process.
CACHED_PERSONS = 256
_cache: OrderedDict[tuple, PersonFile] = OrderedDict()
_cache_lock = threading.Lock()


def cached_person_file(person_key: str, record_ids: list[str]) -> PersonFile:
    """engine person_file, reused while the warehouse has not changed."""
    version = warehouse_version()
    key = (version, person_key, tuple(sorted(record_ids)))
    with _cache_lock:
        if version is not None and key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    pf = person_file(person_key, extra_record_ids=record_ids)
    if version is not None and warehouse_version() == version:  # not rewritten while it was read
        with _cache_lock:
            _cache[key] = pf
            while len(_cache) > CACHED_PERSONS:
                _cache.popitem(last=False)
    return pf


@dataclass
class Linkage:
    available: bool
    note: str = ""
    methods: dict[str, str] = field(default_factory=dict)  # record_id → how it joined the person, in words
    links: list = field(default_factory=list)  # engine persons.LinkPair, strongest first


def explain(person_key: str, record_ids: list[str], visible=None) -> Linkage:
    """The links that joined the person's records, those touching the clue's records; `visible` (a predicate
    on a record) keeps a partner to the records it may see."""
    try:
        pf = cached_person_file(person_key, record_ids)
    except WarehouseUnavailable as err:
        return Linkage(False, str(err))
    except Exception:  # noqa: BLE001 - a damaged file is shown, never raised on the page
        return Linkage(False, "关联依据读取失败")
    wanted = set(record_ids)
    keep = visible or (lambda r: True)
    links = [link for link in pf.links if (link.left.record_id in wanted or link.right.record_id in wanted)
             and keep(link.left) and keep(link.right)]
    return Linkage(True, methods={r.record_id: r.method for r in pf.records}, links=links)
