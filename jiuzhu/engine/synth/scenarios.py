"""Planted positives for every rule of rules.md, and near misses that must not fire.

Each scenario uses people with no other role yet, so what it plants is what it means; the
expected clues are still computed afterwards from the whole true state (truth_rules.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np

from jiuzhu.engine.synth.population import DAUGHTER, GRANDDAUGHTER, GRANDSON, HEAD, SON, SPOUSE, to_date
from jiuzhu.engine.synth.state import (
    OTHER_CAUSES,
    PERSONAL_INJURY,
    SUPPORT,
    State,
    add_child_care,
    add_dibao_household,
    add_disability,
    add_enforcement,
    add_prisoner,
    add_temp_relief,
    add_victim,
    add_watch_household,
    civil_number,
    random_day,
)

RULES = ("SJ-01", "SJ-02", "SJ-03", "SJ-04", "MZ-01", "MZ-02", "WC-01", "FP-01")


class Planter:
    def __init__(self, st: State, rng: np.random.Generator) -> None:
        self.st, self.rng = st, rng
        self.pop = st.pop
        self.members = st.members  # type: ignore[attr-defined]
        self._pools: dict[tuple, np.ndarray] = {}
        self._children = np.flatnonzero((st.age < 16) & (st.age >= 1) & np.isin(st.pop.relation, (SON, DAUGHTER)))

    # -- people
    def fresh(self, lo: int = 18, hi: int = 59, mask: np.ndarray | None = None) -> int | None:
        """Someone alive, of that age, whose household has no role yet."""
        st = self.st
        key = (lo, hi, mask is not None)
        if key not in self._pools:
            ok = (st.age >= lo) & (st.age <= hi)
            if mask is not None:
                ok &= mask
            self._pools[key] = np.flatnonzero(ok)
        idx = self._pools[key]
        for _ in range(200):
            if len(idx) == 0:
                return None
            p = int(idx[self.rng.integers(0, len(idx))])
            if self.pop.status[p] == 0 and not st.busy[self.members[int(self.pop.household[p])]].any():
                self.mark(p)
                return p
        return None

    def mark(self, *people: int) -> None:
        for p in people:
            self.st.busy[p] = True
            self.st.planted[p] = True

    def note(self, scenario: str, p: int, expect: str) -> None:
        self.st.scenarios.append((scenario, p, expect))

    # -- facts
    def hardship(self, p: int) -> None:
        """One current hardship registry, chosen among those the person can be in."""
        st, rng = self.st, self.rng
        age = int(st.age[p])
        kinds = ["dibao", "disability", "temp_relief", "dibao_edge"]
        if 18 <= age <= 59:
            kinds.append("unemployment")
        if age >= 60:
            kinds.append("tekun")
        kind = kinds[int(rng.integers(0, len(kinds)))]
        hh = int(self.pop.household[p])
        if kind in ("dibao", "dibao_edge"):
            self.mark(*add_dibao_household(st, rng, hh, self.members, source=kind))
        elif kind == "disability":
            add_disability(st, rng, p)
        elif kind == "temp_relief":
            add_temp_relief(st, rng, p, random_day(rng, st.as_of - timedelta(days=330), st.as_of))
        elif kind == "unemployment":
            st.add("unemployment", p, registered_date=random_day(rng, st.as_of - timedelta(days=400), st.as_of),
                   hard_to_employ=True)
        else:
            st.add("tekun", p, support_mode="分散", self_care="半护理",
                   enrolled_date=random_day(rng, st.as_of - timedelta(days=2000), st.as_of - timedelta(days=30)))

    def unpaid_enforcement(self, p: int, cause: str, basis: str | None, paid_all: bool = False) -> dict:
        applied = int(self.rng.integers(50, 3000)) * 100 * 100
        unpaid = 0 if paid_all else applied * int(self.rng.integers(5, 11)) // 10
        return add_enforcement(self.st, self.rng, p, cause, applied, unpaid, basis)

    def severe(self, p: int) -> None:
        if self.rng.random() < 0.6:
            add_disability(
                self.st, self.rng, p, kind=int(self.rng.choice([0, 1, 3, 6])), grade=int(self.rng.integers(0, 2))
            )
        else:
            add_disability(self.st, self.rng, p, kind=int(self.rng.choice([4, 5])), grade=int(self.rng.integers(2, 4)))

    def family(self) -> tuple[int, int, int] | None:
        """(child under 18 as 子/女, 户主, 配偶) of a household nobody has used yet."""
        pop, st = self.pop, self.st
        cand = self._children
        for _ in range(200):
            if len(cand) == 0:
                return None
            c = int(cand[self.rng.integers(0, len(cand))])
            mem = self.members[int(pop.household[c])]
            if st.busy[mem].any() or (pop.status[mem] != 0).any():
                continue
            head = mem[pop.relation[mem] == HEAD]
            spouse = mem[pop.relation[mem] == SPOUSE]
            if len(head) == 1 and len(spouse) == 1:
                self.mark(*mem.tolist())
                return c, int(head[0]), int(spouse[0])
        return None

    def unable(self, p: int, how: str) -> None:
        if how == "dead":
            self.pop.status[p] = 1
        elif how == "missing":
            self.pop.status[p] = 2
        elif how == "prison":
            add_prisoner(self.st, self.rng, p, current=True)
        elif how == "released":
            add_prisoner(self.st, self.rng, p, current=False)
        elif how == "severe":
            self.severe(p)
        elif how == "mild":  # 三级肢体: disabled, not 重残
            add_disability(self.st, self.rng, p, kind=3, grade=2)

    # -- positives
    def sj01(self) -> None:
        p = self.fresh()
        if p is None:
            return
        v = add_victim(
            self.st,
            self.rng,
            p,
            crime=str(self.rng.choice(["故意伤害罪", "交通肇事罪", "诈骗罪", "抢劫罪"])),
            injury="轻伤",
            paid="none",
        )
        basis = v["judgment_no"] if self.rng.random() < 0.7 else None
        self.unpaid_enforcement(p, v["crime"], basis)
        self.hardship(p)
        self.note("SJ-01", p, "SJ-01")

    def sj02(self) -> None:
        p = self.fresh(18, 70)
        if p is None:
            return
        injury = "死亡" if self.rng.random() < 0.4 else "重伤"
        v = add_victim(self.st, self.rng, p, crime="故意伤害罪" if injury == "重伤" else "交通肇事罪", injury=injury,
                       paid=str(self.rng.choice(["none", "partial"])))
        if self.rng.random() < 0.3:
            self.unpaid_enforcement(p, v["crime"], v["judgment_no"])
        self.note("SJ-02", p, "SJ-02")

    def sj03(self) -> None:
        p = self.fresh(18, 75)
        if p is None:
            return
        self.unpaid_enforcement(p, str(self.rng.choice(PERSONAL_INJURY)), civil_number(self.st, self.rng))
        self.hardship(p)
        self.note("SJ-03", p, "SJ-03")

    def sj04(self) -> None:
        cause = str(self.rng.choice(SUPPORT))
        p = self.fresh(60, 95) if cause == "赡养费纠纷" else self.fresh(18, 59)
        if p is None:
            return
        self.unpaid_enforcement(p, cause, civil_number(self.st, self.rng))
        self.hardship(p)
        self.note("SJ-04", p, "SJ-04")

    def mz01(self) -> None:
        fam = self.family()
        if fam is None:
            return
        c, a, b = fam
        combos = (("dead", "dead"), ("prison", "severe"), ("missing", "prison"), ("dead", "severe"),
                  ("prison", "prison"), ("dead", "missing"))
        how = combos[int(self.rng.integers(0, len(combos)))]
        self.unable(a, how[0])
        self.unable(b, how[1])
        self.note("MZ-01", c, "MZ-01")

    def mz02(self) -> None:
        fam = self.family()
        if fam is None:
            return
        c, a, b = fam
        self.severe(a)
        self.severe(b)
        self.note("MZ-02", c, "MZ-02")

    def wc01(self) -> None:
        crime = str(self.rng.choice(["故意伤害罪", "抢劫罪", "强奸罪", "猥亵儿童罪", "强制猥亵罪", "故意杀人罪"]))
        p = self.fresh(6, 13) if crime == "猥亵儿童罪" else self.fresh(8, 17)
        if p is None:
            return
        injury = {"故意伤害罪": "轻伤", "故意杀人罪": "重伤", "抢劫罪": "轻微伤"}.get(crime, "")
        add_victim(
            self.st,
            self.rng,
            p,
            crime=crime,
            injury=injury,
            paid=str(self.rng.choice(["full", "nojudged"])),
            incident=random_day(self.rng, self.st.as_of - timedelta(days=700), self.st.as_of - timedelta(days=200)),
        )
        self.note("WC-01", p, "WC-01")

    def fp01(self) -> None:
        p = self.fresh(18, 70, mask=self.pop.township() != 0)
        if p is None:
            return
        self.mark(*add_watch_household(self.st, self.rng, int(self.pop.household[p]), self.members))
        if self.rng.random() < 0.6:
            self.unpaid_enforcement(p, str(self.rng.choice(OTHER_CAUSES)), civil_number(self.st, self.rng))
        else:
            add_victim(self.st, self.rng, p, crime="诈骗罪", injury="", paid="partial")
        self.note("FP-01", p, "FP-01")

    # -- near misses (must not fire the rule named)
    def no_hardship_victim(self) -> None:
        p = self.fresh()
        if p is None:
            return
        v = add_victim(self.st, self.rng, p, crime="故意伤害罪", injury="轻伤", paid="none")
        self.unpaid_enforcement(p, v["crime"], v["judgment_no"])
        self.note("victim_unpaid_no_hardship", p, "not SJ-01")

    def prison_and_mild(self) -> None:
        fam = self.family()
        if fam is None:
            return
        c, a, b = fam
        self.unable(a, "prison")
        self.unable(b, "mild")
        self.note("parent_prison_other_mild_disability", c, "not MZ-01")

    def released_and_dead(self) -> None:
        fam = self.family()
        if fam is None:
            return
        c, a, b = fam
        self.unable(a, "released")
        self.unable(b, "dead")
        self.note("parent_sentence_ended_other_dead", c, "not MZ-01")

    def old_relief(self) -> None:
        p = self.fresh()
        if p is None:
            return
        add_temp_relief(self.st, self.rng, p, random_day(self.rng, self.st.as_of - timedelta(days=700),
                                                          self.st.as_of - timedelta(days=380)))
        self.unpaid_enforcement(p, "机动车交通事故责任纠纷", civil_number(self.st, self.rng))
        self.note("temp_relief_older_than_12_months", p, "not SJ-03")

    def already_in_care(self) -> None:
        fam = self.family()
        if fam is None:
            return
        c, a, b = fam
        self.unable(a, "dead")
        self.unable(b, "prison")
        add_child_care(self.st, self.rng, c, "事实无人抚养儿童")
        self.note("child_already_in_child_care", c, "not MZ-01")

    def paid_support(self) -> None:
        p = self.fresh(60, 95)
        if p is None:
            return
        self.unpaid_enforcement(p, "赡养费纠纷", civil_number(self.st, self.rng), paid_all=True)
        self.hardship(p)
        self.note("support_fully_paid", p, "not SJ-04")

    def other_cause(self) -> None:
        p = self.fresh()
        if p is None:
            return
        self.unpaid_enforcement(p, str(self.rng.choice(OTHER_CAUSES)), civil_number(self.st, self.rng))
        self.hardship(p)
        self.note("cause_outside_list", p, "not SJ-03")

    def minor_theft(self) -> None:
        p = self.fresh(10, 17)
        if p is None:
            return
        add_victim(self.st, self.rng, p, crime="盗窃罪", injury="", paid="full")
        self.note("minor_victim_of_theft", p, "not WC-01")

    def adult_at_incident(self) -> None:
        p = self.fresh(19, 21)
        if p is None:
            return
        birth = self.st.age  # noqa: F841  (kept simple: incident on the 18th birthday)
        b = to_date(int(self.pop.birth[p]))
        try:
            eighteen = b.replace(year=b.year + 18)
        except ValueError:  # 29 February
            eighteen = date(b.year + 18, 3, 1)
        if eighteen >= self.st.as_of - timedelta(days=30):
            return
        add_victim(self.st, self.rng, p, crime="故意伤害罪", injury="轻伤", paid="full", incident=eighteen)
        self.note("victim_18_on_incident_day", p, "not WC-01")

    def watch_paid(self) -> None:
        p = self.fresh(18, 70, mask=self.pop.township() != 0)
        if p is None:
            return
        self.mark(*add_watch_household(self.st, self.rng, int(self.pop.household[p]), self.members))
        self.unpaid_enforcement(p, "民间借贷纠纷", civil_number(self.st, self.rng), paid_all=True)
        self.note("poverty_watch_enforcement_paid", p, "not FP-01")

    def both_mild(self) -> None:
        fam = self.family()
        if fam is None:
            return
        c, a, b = fam
        self.unable(a, "mild")
        self.unable(b, "severe")
        self.note("one_parent_not_severe", c, "not MZ-02")

    def grandchild(self) -> None:
        pop, st = self.pop, self.st
        cand = np.flatnonzero((st.age < 16) & np.isin(pop.relation, (GRANDSON, GRANDDAUGHTER)) & ~st.busy)
        if len(cand) == 0:
            return
        c = int(cand[self.rng.integers(0, len(cand))])
        mem = self.members[int(pop.household[c])]
        self.mark(*mem.tolist())
        for q in mem[np.isin(pop.relation[mem], (HEAD, SPOUSE))].tolist():
            self.unable(q, "dead")
        self.note("grandchild_no_known_parents", c, "not MZ-01")

    def unemployed_not_hard(self) -> None:
        p = self.fresh(22, 55)
        if p is None:
            return
        self.unpaid_enforcement(p, "抚养费纠纷", civil_number(self.st, self.rng))
        self.st.add("unemployment", p, registered_date=random_day(self.rng, self.st.as_of - timedelta(days=300),
                                                                   self.st.as_of), hard_to_employ=False)
        self.note("unemployed_not_hard_to_employ", p, "not SJ-04")


POSITIVES: dict[str, Callable[[Planter], None]] = {
    "SJ-01": Planter.sj01, "SJ-02": Planter.sj02, "SJ-03": Planter.sj03, "SJ-04": Planter.sj04,
    "MZ-01": Planter.mz01, "MZ-02": Planter.mz02, "WC-01": Planter.wc01, "FP-01": Planter.fp01,
}
NEAR_MISSES: tuple[Callable[[Planter], None], ...] = (
    Planter.no_hardship_victim, Planter.prison_and_mild, Planter.released_and_dead, Planter.old_relief,
    Planter.already_in_care, Planter.paid_support, Planter.other_cause, Planter.minor_theft,
    Planter.adult_at_incident, Planter.watch_paid, Planter.both_mild, Planter.grandchild,
    Planter.unemployed_not_hard,
)


def plant(st: State, rng: np.random.Generator, per_rule: int) -> None:
    planter = Planter(st, rng)
    for _ in range(per_rule):
        for make in POSITIVES.values():
            make(planter)
    for _ in range(max(4, per_rule // 2)):
        for make in NEAR_MISSES:
            make(planter)
