"""The expected clues: the rules of rules.md applied to the simulated true state.

Rows the importer must reject (``rejected`` set on the record) are not part of what the
platform can know, so they are left out; everything else counts, background coincidences too.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np

from jiuzhu.engine.identity.casenumbers import normalise_case_number
from jiuzhu.engine.synth.population import DAUGHTER, HEAD, SON, SPOUSE, to_date
from jiuzhu.engine.synth.state import PERSONAL_INJURY, SEXUAL_OR_DOMESTIC, SUPPORT, VIOLENT_SEXUAL, State


def year_before(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def age_on(birth: date, d: date) -> int:
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


def evaluate(st: State) -> dict[str, set[int]]:
    """rule → persons (local indexes) with at least one clue of that rule."""
    pop, d = st.pop, st.as_of
    recs = {t: [r for r in rows if not r.get("rejected")] for t, rows in st.records.items()}
    lo = year_before(d)

    hardship: set[int] = set()
    for t in ("dibao", "tekun", "dibao_edge", "child_care", "disability"):
        hardship.update(r["person"] for r in recs[t])
    hardship.update(r["person"] for r in recs["temp_relief"] if lo < r["relief_date"] <= d)
    hardship.update(r["person"] for r in recs["poverty_watch"] if not r["risk_eliminated"])
    hardship.update(r["person"] for r in recs["unemployment"] if r["hard_to_employ"])

    enf = recs["enforcement"]
    unpaid = [e for e in enf if e["amount_unpaid"] > 0]
    by_basis: dict[str, list[dict]] = defaultdict(list)
    by_applicant: dict[int, list[dict]] = defaultdict(list)
    for e in unpaid:
        if e["basis_no"]:
            by_basis[normalise_case_number(e["basis_no"])].append(e)
        by_applicant[e["person"]].append(e)

    def linked(v: dict) -> list[dict]:
        out = {id(e): e for e in by_basis.get(normalise_case_number(v["judgment_no"]), [])}
        out.update({id(e): e for e in by_applicant.get(v["person"], [])})
        return list(out.values())

    out: dict[str, set[int]] = {
        r: set() for r in ("SJ-01", "SJ-02", "SJ-03", "SJ-04", "MZ-01", "MZ-02", "WC-01", "FP-01")
    }
    via: dict[int, set[int]] = defaultdict(set)  # person → enforcement records of their SJ-01/SJ-02 clues
    for v in recs["victim"]:
        if linked(v) and v["person"] in hardship:
            out["SJ-01"].add(v["person"])
            via[v["person"]].update(id(e) for e in linked(v))
    for v in recs["victim"]:
        owed = v["compensation_judged"] is not None and v["compensation_paid"] is not None \
            and v["compensation_judged"] > v["compensation_paid"]
        if v["injury"] in ("重伤", "死亡") and (linked(v) or owed) and v["person"] not in out["SJ-01"]:
            out["SJ-02"].add(v["person"])
            via[v["person"]].update(id(e) for e in linked(v))
    for e in unpaid:
        p = e["person"]
        if e["cause"] in PERSONAL_INJURY and p in hardship and id(e) not in via.get(p, ()):
            out["SJ-03"].add(p)
        if e["cause"] in SUPPORT and p in hardship:
            out["SJ-04"].add(p)

    for v in recs["victim"]:
        if v["crime"] in VIOLENT_SEXUAL and v["incident_date"] is not None \
                and age_on(to_date(int(pop.birth[v["person"]])), v["incident_date"]) < 18:
            out["WC-01"].add(v["person"])

    owed_victims = {v["person"] for v in recs["victim"] if v["compensation_judged"] is not None
                    and v["compensation_paid"] is not None and v["compensation_judged"] > v["compensation_paid"]}
    for r in recs["poverty_watch"]:
        if r["person"] in by_applicant or r["person"] in owed_victims:
            out["FP-01"].add(r["person"])

    imprisoned = {r["person"] for r in recs["prisoner"]
                  if (r["sentence_start"] is None or r["sentence_start"] <= d) and d <= r["sentence_end"]}
    severe = {r["person"] for r in recs["disability"]
              if r["disability_grade"] in ("一级", "二级") or r["disability_kind"] in ("智力", "精神")}
    in_care = {r["person"] for r in recs["child_care"]}
    # the MZ rules, over all children at once
    n = pop.size
    households = int(pop.household.max()) + 1
    is_head = pop.relation == HEAD
    is_spouse = pop.relation == SPOUSE
    heads = np.bincount(pop.household[is_head], minlength=households)
    spouses = np.bincount(pop.household[is_spouse], minlength=households)
    head_of = np.full(households, -1, dtype=np.int64)
    head_of[pop.household[is_head]] = np.flatnonzero(is_head)
    spouse_of = np.full(households, -1, dtype=np.int64)
    spouse_of[pop.household[is_spouse]] = np.flatnonzero(is_spouse)
    flag = np.zeros(n, dtype=bool)
    jailed = flag.copy()
    jailed[list(imprisoned)] = True
    heavy = flag.copy()
    heavy[list(severe)] = True
    cared = flag.copy()
    cared[list(in_care)] = True
    gone = (pop.status == 1) | (pop.status == 2) | jailed
    child = np.isin(pop.relation, (SON, DAUGHTER)) & (st.age < 18) & ~cared
    hh = pop.household
    child &= (heads[hh] == 1) & (spouses[hh] == 1)
    a, b = head_of[hh], spouse_of[hh]
    a = np.where(child, a, 0)
    b = np.where(child, b, 0)
    mz01 = child & (gone[a] | heavy[a]) & (gone[b] | heavy[b]) & (gone[a] | gone[b])
    mz02 = child & ~mz01 & heavy[a] & heavy[b] & ~gone[a] & ~gone[b]
    out["MZ-01"].update(np.flatnonzero(mz01).tolist())
    out["MZ-02"].update(np.flatnonzero(mz02).tolist())
    return out


def tags(st: State, p: int) -> list[str]:
    """Routing tags of rules.md for a person (informative; the contract is rule,id_number)."""
    out = []
    if st.age[p] < 18:
        out.append("未成年人")
    if any(r["person"] == p for r in st.records["disability"]):
        out.append("残疾人")
    if any(r["person"] == p for r in st.records["veteran"]):
        out.append("退役军人")
    if st.age[p] >= 60:
        out.append("老年人")
    if not st.pop.male[p] and any(r["person"] == p and r["crime"] in SEXUAL_OR_DOMESTIC for r in st.records["victim"]):
        out.append("妇女")
    return out
