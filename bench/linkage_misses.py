"""Why each record without ID was left unjoined: the misses of a linked county, by kind, and the
scored pairs of every miss that is not a tie.

    python -m bench.linkage_misses --keep DIR --seed S [--ordinary] [--list N] [--json FILE]

Reads a county ``bench.linkage --keep DIR`` (or ``bench.screening --keep``) ingested and linked:
``DIR/home-<label>/warehouse.duckdb`` with its stored ``person_index``, and the truth beside it
(``DIR/county-<label>/truth``). A record is **left unjoined** when its main subject has no valid ID,
its true person has other records, and none of them is in its person. Each such record is put in
one kind, by the finest place the row gives — its village, else its township, else the county (in
its cells or read from its address, as linkage reads them: ``features._places``):

- ``exact-tie``: the row bears its person's exact name, and two or more ID-bearing persons its
  registry could list hold that name in that place (linkage's eligible counts): a tie, rightly left;
- ``exact-alone``: the exact name, held by at most one such person there — not a tie;
- ``near-tie``: a mistyped name (its person's differs) near its person's — the same characters
  but a variant, the same pinyin, the same 模糊音 key, one character alike in shape, or one character
  apart at the same length — where another ID-bearing person of that place bears a name as near or
  nearer to the row's (for a slip of sound: the same pinyin or 模糊音 key; of shape: alike in shape;
  for any other character: any near name, linkage's own test, ``features._near_pairs``, which also
  takes a name of the same 模糊音 key several characters apart); a tie too;
- ``near-alone``: a mistyped name whose person is the only one of the place that near — not a tie;
- ``near-no-place``: a mistyped name and no place at all: nothing says which of the county's near names;
- ``far``: the person is in that place but the name is not near (two characters changed, one dropped);
- ``elsewhere``: the person is not in that place by any ID-bearing record (moved, another township);
- ``no-id-person``: the person has no record with a valid ID (only other records without ID).

For every miss that is not a tie the candidates are scored again with the same model (floor −60
bits): the pair with the person's own records (weight, levels) and the best other candidate, so one
sees whether the pair was not met by blocking, scored under the threshold, or lost to the tie rule.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

TIES = ("exact-tie", "near-tie")
KINDS = ("exact-tie", "near-tie", "exact-alone", "near-alone", "near-no-place", "far", "elsewhere", "no-id-person")


def _truth(truth_dir: Path) -> dict[tuple[str, str], str]:
    with open(truth_dir / "records.csv", encoding="utf-8", newline="") as fh:
        return {(r["file"], r["row"]): r["person"] for r in csv.DictReader(fh)}


def _near_sql() -> str:
    """The ID-bearing persons of a miss's place bearing its exact name or a near name (linkage's own
    test: one character apart at the same length, or the same 模糊音 key), with how near: the same
    characters, pinyin, 模糊音 key, a character alike in shape, one character apart."""
    from jiuzhu.engine.linkage.features import PINYIN_FUZZY

    fuzzy = PINYIN_FUZZY.replace("r.", "{t}.")
    return f"""
CREATE OR REPLACE TEMP TABLE miss_near AS
WITH ppl AS (
    SELECT DISTINCT c.id_number, c.township, c.village, k.norm, k.fold, k.pinyin, k.length,
           {fuzzy.format(t="k")} AS fuzzy
    FROM compared c JOIN names k ON k.name = c.name
    WHERE c.id_number IS NOT NULL AND NOT k.masked AND nullif(trim(c.township), '') IS NOT NULL
), m AS (
    SELECT m.record_id, m.place, m.township, m.village, m.shapes, k.norm, k.fold, k.pinyin, k.length,
           {fuzzy.format(t="k")} AS fuzzy
    FROM misses m JOIN names k ON k.name = m.name WHERE NOT k.masked
)
SELECT m.record_id, p.id_number, any_value(p.norm) AS name,
       bool_or(p.norm = m.norm) AS exact, bool_or(p.fold = m.fold) AS variant,
       bool_or(p.pinyin = m.pinyin) AS pinyin, bool_or(p.fuzzy = m.fuzzy) AS fuzzy,
       bool_or(coalesce(instr(m.shapes, '|' || p.fold || '|') > 0, false)) AS shape,
       bool_or(p.length = m.length AND levenshtein(p.fold, m.fold) = 1) AS one
FROM m JOIN ppl p ON p.township = m.township AND (m.place = 'township' OR p.village = m.village)
WHERE p.norm = m.norm OR p.fuzzy = m.fuzzy OR (p.length = m.length AND levenshtein(p.fold, m.fold) <= 1)
GROUP BY m.record_id, p.id_number
"""


# How near a mistyped name is to its person's, closest first, and which near persons of the place
# are as near or nearer (competitors a clerk could not tell from the person on the name alone).
RELATIONS = ("variant", "pinyin", "fuzzy", "shape", "one")
_AS_NEAR = {"variant": ("exact", "variant"), "pinyin": ("exact", "variant", "pinyin"),
            "fuzzy": ("exact", "variant", "pinyin", "fuzzy"), "shape": ("exact", "variant", "shape"),
            "one": ("exact", "variant", "pinyin", "fuzzy", "shape", "one")}


def classify(keep: Path, label: str, list_limit: int = 50) -> dict:
    """The misses of county ``label`` in ``keep``, by kind, with the scored pairs of the non-ties."""
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    from jiuzhu.engine.linkage.features import derive_in
    from jiuzhu.engine.linkage.run import _workspace
    from jiuzhu.engine.linkage.scoring import score_residue

    truth = _truth(keep / f"county-{label}" / "truth")
    con = duckdb.connect(str(keep / f"home-{label}" / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.sql("""SELECT s.record_id, s.file_name, s."row", s.id_status = 'valid', s.id_number,
                                 s.name, s.source_type, p.person_key
                          FROM subjects s JOIN person_index p USING (record_id)""").fetchall()
        by_person: dict[str, list[tuple]] = defaultdict(list)
        for rid, file, row, valid, number, name, source, key in rows:
            person = truth.get((file, str(row)))
            if person is not None:
                by_person[person].append((rid, valid, number if valid else None, name, source, key))
        misses: dict[str, tuple[str, list[tuple]]] = {}
        for person, recs in by_person.items():
            if len(recs) < 2:
                continue
            for rec in recs:
                if not rec[1] and not any(o[5] == rec[5] for o in recs if o[0] != rec[0]):
                    misses[rec[0]] = (person, recs)
        residue = sum(1 for recs in by_person.values() for r in recs if not r[1])
        with _workspace(con) as work:
            features, name_tf, population = derive_in(work)
            feats = {r["unique_id"]: r for r in features.filter(
                pc.is_in(features.column("unique_id"), value_set=pa.array(sorted(misses), pa.string()))
            ).to_pylist()}
            table: dict[str, list] = {c: [] for c in ("record_id", "name", "township", "village", "place",
                                                        "shapes")}
            for rid in sorted(misses):
                f = feats[rid]
                table["record_id"].append(rid)
                table["name"].append(next(r[3] for r in misses[rid][1] if r[0] == rid))
                table["township"].append(f["township"])
                table["village"].append(f["village"])
                table["place"].append("village" if f["village"] else "township" if f["township"] else "county")
                table["shapes"].append(f["name_shapes"])
            work.register("misses", pa.table(table))
            work.execute(_near_sql())
            near: dict[str, dict[str, dict]] = defaultdict(dict)
            for row in work.sql("SELECT * FROM miss_near").to_arrow_table().to_pylist():
                near[row["record_id"]][row["id_number"]] = row
            place_of = dict(zip(table["record_id"], table["place"], strict=True))
            out = [_kind(rid, *misses[rid], feats[rid], place_of[rid], near.get(rid, {}), work)
                   for rid in sorted(misses)]
            others = [m for m in out if m["kind"] not in TIES]
            if others:
                _scored(others, features, name_tf, population, work, score_residue, pc, pa)
    finally:
        con.close()
    counts = Counter(m["kind"] for m in out)
    return {"county": label, "records_without_id": residue, "left_unjoined": len(out),
            "kinds": {k: counts.get(k, 0) for k in KINDS},
            "by_source": dict(Counter(m["source"] for m in out)),
            "not_ties": [m for m in out if m["kind"] not in TIES][:list_limit],
            "misses": out}


def _kind(rid: str, person: str, recs: list[tuple], f: dict, place: str, here: dict[str, dict],
          work) -> dict:
    """One miss: its kind (module docstring) and what it was decided on."""
    own = next(r for r in recs if r[0] == rid)
    ids = {r[2] for r in recs if r[2]}
    id_names = {r[3] for r in recs if r[2]}
    eligible = {"village": f["name_village_id_persons"], "township": f["name_town_id_persons"],
                "county": f["name_id_persons"]}[place]
    mine = [here[n] for n in ids if n in here]
    relation = next((r for r in RELATIONS if any(m[r] for m in mine)), None)
    rivals = [n for n, m in here.items() if n not in ids and relation and any(m[k] for k in _AS_NEAR[relation])]
    if not ids:
        kind = "no-id-person"
    elif f["name_norm"] in {_norm(n) for n in id_names}:
        relation = "exact"
        kind = "exact-tie" if (eligible or 0) >= 2 else "exact-alone"
    elif place == "county":
        kind = "near-no-place"
    elif not mine and not _in_place(work, ids, f, place):
        kind = "elsewhere"
    elif not mine:
        kind = "far"
    else:
        kind = "near-tie" if rivals else "near-alone"
    return {"record_id": rid, "person": person, "kind": kind, "relation": relation, "source": own[4],
            "name": own[3], "person_names": sorted(id_names), "place": place, "township": f["township"],
            "village": f["village"], "eligible_namesakes_there": eligible, "near_names_there": len(here),
            "as_near_or_nearer": len(rivals), "rivals": sorted({here[n]["name"] for n in rivals})[:8],
            "engine_near_village": f["near_village"], "engine_near_town": f["near_town"],
            "birth_date": f["birth_date"], "sex": f["sex"], "phone": f["phone"], "house": f["house"],
            "ids": sorted(ids)}


def _norm(name: str) -> str:
    from jiuzhu.engine.identity.names import normalise_name

    return normalise_name(name)


def _in_place(work, ids: set[str], f: dict, place: str) -> bool:
    """Whether some ID-bearing record of the person names the miss's place."""
    cond = "township = ? AND village = ?" if place == "village" else "township = ?"
    params = [f["township"], f["village"]] if place == "village" else [f["township"]]
    marks = ", ".join("?" for _ in ids)
    return bool(work.execute(f"SELECT count(*) FROM compared WHERE id_number IN ({marks}) AND {cond}",
                             [*sorted(ids), *params]).fetchall()[0][0])


def _scored(others: list[dict], features, name_tf, population: int, work, score_residue, pc, pa) -> None:
    """Each non-tie miss's scored candidates (floor −60): its person's best pair and the best other."""
    wanted = pa.array([m["record_id"] for m in others], pa.string())
    keep = pc.or_(pc.invert(pc.is_null(features.column("id_number"))),
                  pc.is_in(features.column("unique_id"), value_set=wanted))
    subset = features.filter(keep)
    edges = score_residue(subset, name_tf, population, connection=work, floor=-60.0)
    number_of = dict(zip(subset.column("unique_id").to_pylist(), subset.column("id_number").to_pylist(),
                         strict=True))
    per: dict[str, list] = defaultdict(list)
    for e in edges:
        for rid, other in ((e.left, e.right), (e.right, e.left)):
            if number_of.get(other):
                per[rid].append((e, number_of[other], other))
    for m in others:
        cands = sorted(per.get(m["record_id"], []), key=lambda x: -x[0].match_weight)
        own = [c for c in cands if c[1] in m["ids"]]
        rest = [c for c in cands if c[1] not in m["ids"]]
        m["pair"] = _edge_view(own[0]) if own else "not met by any blocking rule (or below −60)"
        m["best_other"] = _edge_view(rest[0]) if rest else None
        m["candidates_over_2"] = len({c[1] for c in cands if c[0].match_weight >= 2.0})


def _edge_view(c: tuple) -> dict:
    e, number, rid = c
    return {"with": rid, "weight": e.match_weight,
            "levels": {k: f"{v} {e.weights[k]:+.1f}" for k, v in e.levels.items() if e.weights[k]}}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.linkage_misses")
    parser.add_argument("--keep", type=Path, required=True, help="bench.linkage --keep folder")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--ordinary", action="store_true", help="the ordinary county (default: ID-poor)")
    parser.add_argument("--list", type=int, default=50, metavar="N", help="print at most N non-ties")
    parser.add_argument("--json", type=Path, help="write every miss there")
    args = parser.parse_args(argv)
    label = f"{args.seed}{'' if args.ordinary else '-id-poor'}"
    result = classify(args.keep, label, args.list)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k not in ("misses", "not_ties")}, ensure_ascii=False))
    for m in result["not_ties"]:
        print(json.dumps(m, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
