"""An independent re-derivation of rules.md over truth/ (persons.csv and state/*.csv).

Written from the rule text, not from the generator's code: plain dicts over the CSV files.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

PI = {
    "机动车交通事故责任纠纷",
    "生命权、身体权、健康权纠纷",
    "医疗损害责任纠纷",
    "工伤保险待遇纠纷",
    "提供劳务者受害责任纠纷",
}
SUPPORT = {"赡养费纠纷", "抚养费纠纷", "扶养费纠纷"}
VIOLENT = {"故意伤害罪", "故意杀人罪", "抢劫罪", "强奸罪", "猥亵儿童罪", "强制猥亵罪", "绑架罪", "拐卖儿童罪"}


def read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def age(birth: date, on: date) -> int:
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def norm_case(text: str) -> str:
    for a, b in (("（", "("), ("）", ")"), ("〔", "("), ("〕", ")"), (" ", "")):
        text = text.replace(a, b)
    return text


def rederive(truth: Path, as_of: date) -> set[tuple[str, str]]:
    persons = {p["person"]: p for p in read(truth / "persons.csv")}
    state = {t: [r for r in read(truth / "state" / f"{t}.csv") if not r["rejected"]]
             for t in ("victim", "enforcement", "prisoner", "dibao", "tekun", "dibao_edge", "temp_relief",
                       "disability", "poverty_watch", "child_care", "veteran", "unemployment")}
    # drop the second copy of identical duplicate rows: same facts, one record
    for t, rows in state.items():
        seen, kept = set(), []
        for r in rows:
            key = tuple(v for k, v in r.items() if k != "row")
            if key not in seen:
                seen.add(key)
                kept.append(r)
        state[t] = kept
    try:
        year_ago = as_of.replace(year=as_of.year - 1)
    except ValueError:
        year_ago = as_of.replace(year=as_of.year - 1, day=28)

    hard = set()
    for t in ("dibao", "tekun", "dibao_edge", "child_care", "disability"):
        hard |= {r["person"] for r in state[t]}
    hard |= {r["person"] for r in state["temp_relief"] if year_ago < day(r["relief_date"]) <= as_of}
    hard |= {r["person"] for r in state["poverty_watch"] if r["risk_eliminated"] == "否"}
    hard |= {r["person"] for r in state["unemployment"] if r["hard_to_employ"] == "是"}

    unpaid = [e for e in state["enforcement"] if int(e["amount_unpaid"]) > 0]
    applicants_unpaid = {e["person"] for e in unpaid}

    def victim_links(v: dict) -> list[int]:
        return [i for i, e in enumerate(unpaid)
                if (e["basis_no"] and norm_case(e["basis_no"]) == norm_case(v["judgment_no"]))
                or e["person"] == v["person"]]

    def owed(v: dict) -> bool:
        return bool(v["compensation_judged"] and v["compensation_paid"]) and \
            int(v["compensation_judged"]) > int(v["compensation_paid"])

    found: dict[str, set[str]] = defaultdict(set)
    used: dict[str, set[int]] = defaultdict(set)
    for v in state["victim"]:
        links = victim_links(v)
        if links and v["person"] in hard:
            found["SJ-01"].add(v["person"])
            used[v["person"]].update(links)
    for v in state["victim"]:
        links = victim_links(v)
        if v["injury"] in ("重伤", "死亡") and (links or owed(v)) and v["person"] not in found["SJ-01"]:
            found["SJ-02"].add(v["person"])
            used[v["person"]].update(links)
    for i, e in enumerate(unpaid):
        if e["person"] not in hard:
            continue
        if e["cause"] in PI and i not in used[e["person"]]:
            found["SJ-03"].add(e["person"])
        if e["cause"] in SUPPORT:
            found["SJ-04"].add(e["person"])
    for v in state["victim"]:
        born = day(persons[v["person"]]["birth_date"])
        if v["crime"] in VIOLENT and v["incident_date"] and age(born, day(v["incident_date"])) < 18:
            found["WC-01"].add(v["person"])
    owed_victims = {v["person"] for v in state["victim"] if owed(v)}
    for r in state["poverty_watch"]:
        if r["person"] in applicants_unpaid or r["person"] in owed_victims:
            found["FP-01"].add(r["person"])

    jailed = {r["person"] for r in state["prisoner"]
              if (not r["sentence_start"] or day(r["sentence_start"]) <= as_of) and as_of <= day(r["sentence_end"])}
    severe = {r["person"] for r in state["disability"]
              if r["disability_grade"] in ("一级", "二级") or r["disability_kind"] in ("智力", "精神")}
    cared = {r["person"] for r in state["child_care"]}
    households: dict[str, list[dict]] = defaultdict(list)
    for p in persons.values():
        households[p["household_no"]].append(p)
    for p in persons.values():
        if p["relation"] not in ("子", "女") or age(day(p["birth_date"]), as_of) >= 18 or p["person"] in cared:
            continue
        home = households[p["household_no"]]
        heads = [q["person"] for q in home if q["relation"] == "户主"]
        spouses = [q["person"] for q in home if q["relation"] == "配偶"]
        if len(heads) != 1 or len(spouses) != 1:
            continue
        parents = heads + spouses
        gone = [persons[q]["status"] in ("死亡", "失踪") or q in jailed for q in parents]
        heavy = [q in severe for q in parents]
        if all(g or h for g, h in zip(gone, heavy, strict=True)) and any(gone):
            found["MZ-01"].add(p["person"])
        if all(heavy) and not any(gone):
            found["MZ-02"].add(p["person"])
    return {(rule, persons[p]["id_number"]) for rule, people in found.items() for p in people}
