"""Records → persons: exact groups on valid IDs, then accepted probabilistic links, greedily.

Rules enforced here, whatever the weights say:
- a link needs a compatible name (never on birth date, phone or address alone);
- a masked name (`卢某某`) links only with strong other evidence (birth date, phone or case);
- a person never holds two different valid ID numbers;
- a record without ID never joins a person born outside its registry's eligibility window (a
  失业登记 row and an 80-year-old; ``model.ELIGIBILITY``) — not directly, nor through other records;
- a record without ID that fits two ID-bearing persons about equally well (two 林华兰 in one
  village) joins neither: within ``AMBIGUITY_MARGIN`` bits of each other is a tie.
Edges are taken strongest first (ties by record ids), so the result depends only on the edges.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiuzhu.engine.linkage.model import (
    INELIGIBLE_LEVEL,
    MASKED_LEVEL,
    MATCH_WEIGHT_THRESHOLD,
    NAME_COMPATIBLE,
    STRONG_EVIDENCE,
)
from jiuzhu.engine.linkage.scoring import Edge

AMBIGUITY_MARGIN = 3.0


def _unambiguous(edges: list[Edge], id_numbers: dict[str, str]) -> list[Edge]:
    """Drop the links of a record without ID to ID-bearing persons when two of them tie."""
    best: dict[str, dict[str, float]] = {}
    for e in edges:
        for residue, other in ((e.left, e.right), (e.right, e.left)):
            if residue not in id_numbers and other in id_numbers:
                per_person = best.setdefault(residue, {})
                num = id_numbers[other]
                per_person[num] = max(per_person.get(num, e.match_weight), e.match_weight)
    tied = set()
    for residue, per_person in best.items():
        top = sorted(per_person.values(), reverse=True)
        if len(top) > 1 and top[0] - top[1] < AMBIGUITY_MARGIN:
            tied.add(residue)
    return [e for e in edges
            if not ((e.left in tied and e.right in id_numbers) or (e.right in tied and e.left in id_numbers))]


def acceptable(edge: Edge, threshold: float = MATCH_WEIGHT_THRESHOLD) -> bool:
    if edge.match_weight < threshold or edge.levels.get("eligibility") == INELIGIBLE_LEVEL:
        return False
    name = edge.levels.get("name")
    if name not in NAME_COMPATIBLE:
        return False
    if name == MASKED_LEVEL:
        return any(edge.levels.get(comp) == label for comp, label in STRONG_EVIDENCE.items())
    return True


@dataclass
class Partition:
    cluster_of: dict[str, str]  # record_id → representative record id of its person
    id_of_cluster: dict[str, str | None]  # representative → valid ID number (or None)
    links: list[Edge]  # accepted probabilistic links inside a person


class _UnionFind:
    """Over labels: ``#<ID number>`` for a valid ID (the exact pass, for free), the record id otherwise."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root


Window = tuple[str | None, str | None]  # earliest and latest birth date allowed (ISO text), None: open


def _birth_of(id_number: str) -> str:
    return f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"


def _narrower(a: Window, b: Window) -> Window:
    return (max((x for x in (a[0], b[0]) if x), default=None),
            min((x for x in (a[1], b[1]) if x), default=None))


def _allows(window: Window, birth: str) -> bool:
    return (window[0] is None or birth >= window[0]) and (window[1] is None or birth <= window[1])


def windows_of(record_ids: list[str | None], births_from: list[str | None],
               births_to: list[str | None]) -> dict[str, Window]:
    """The eligibility windows (feature columns ``birth_from``, ``birth_to``) of the records having one."""
    return {r: (f, t) for r, f, t in zip(record_ids, births_from, births_to, strict=True) if r and (f or t)}


def cluster(record_ids: list[str], id_numbers: dict[str, str], edges: list[Edge],
            threshold: float = MATCH_WEIGHT_THRESHOLD, windows: dict[str, Window] | None = None) -> Partition:
    """``id_numbers``: record_id → valid ID for the ID-bearing records; ``windows``: record_id → the
    birth dates its registry allows, for records without ID (a person never gets a birth outside one)."""
    uf = _UnionFind()
    # Per root without ID: the narrowest window of its records (a root with an ID has its birth date).
    window_of: dict[str, Window] = dict(windows or {})

    def label(rid: str) -> str:
        num = id_numbers.get(rid)
        return "#" + num if num else rid

    # Probabilistic pass, strongest first. A root is the smallest label, so an ID-bearing
    # person's root is its `#ID` ('#' sorts first) and two of them never meet.
    links = []
    accepted = _unambiguous([e for e in edges if acceptable(e, threshold)], id_numbers)
    for e in sorted(accepted, key=lambda e: (-e.match_weight, e.left, e.right)):
        a, b = uf.find(label(e.left)), uf.find(label(e.right))
        if a == b:
            links.append(e)
            continue
        if a.startswith("#") and b.startswith("#"):
            continue  # would make one person of two ID numbers
        root, child = (a, b) if a < b else (b, a)
        if child in window_of:
            if root.startswith("#"):
                if not _allows(window_of[child], _birth_of(root[1:])):
                    continue  # a record of the group could not be this person's (registry eligibility)
            else:
                window_of[root] = _narrower(window_of.get(root, (None, None)), window_of[child])
        uf.parent[child] = root
        links.append(e)
    cluster_of = {r: uf.find(label(r)) for r in record_ids}
    roots = set(cluster_of.values())
    return Partition(cluster_of, {root: root[1:] if root.startswith("#") else None for root in roots}, links)
