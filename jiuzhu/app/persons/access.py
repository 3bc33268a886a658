"""Who finds whom, and what of a person they see.

- procuratorate handlers and leaders search every person of the warehouse (screening and 核查 are their
  work) and see every source record; clues, cases, referrals, plan items and payments only as far as
  their own lists show them (clues.access, casework.access, referrals.access);
- a partner unit's liaison and leader find only persons their unit already deals with (its clues, the
  cases it takes part in, the referrals it sent or received) and see of the source records those of
  its clues and of the registries it sends itself (clues.evidence.record_filter, which the clue page
  asks too);
- everybody else (计财, data administrator) no person search."""

from __future__ import annotations

from django.db.models import Q

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.casework.access import cases_for
from jiuzhu.app.clues.access import clues_for
from jiuzhu.app.clues.evidence import SEARCH_ROLES, sees_whole_warehouse
from jiuzhu.app.referrals.access import referrals_for
from jiuzhu.engine.api import person_key_for_id


def may_search(user) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.role in SEARCH_ROLES


def known_person_keys(user, keys: list[str] | None = None) -> set[str]:
    """The person keys a partner's unit deals with (of `keys`, when given)."""
    clues = clues_for(user)
    cases = cases_for(user)
    if keys is not None:
        clues, cases = clues.filter(person_key__in=keys), cases.filter(person_key__in=keys)
    known = set(clues.values_list("person_key", flat=True)) | set(cases.values_list("person_key", flat=True))
    for id_number in referrals_for(user).exclude(person_id_number="").values_list("person_id_number", flat=True):
        known.add(person_key_for_id(id_number))
    return {k for k in known if k and (keys is None or k in keys)}


def may_open(user, person_key: str) -> bool:
    if sees_whole_warehouse(user):
        return True
    return may_search(user) and person_key in known_person_keys(user, [person_key])


def person_q(person_key: str, id_number: str | None) -> Q:
    """A person's app objects: by person key, or by the ID number where one is known."""
    q = Q(person_key=person_key)
    if id_number:
        q |= Q(person_id_number=id_number)
    return q
