"""The true state of a chunk: who is in which registry, with clean canonical values.

Registry records are plain dicts keyed by the canonical field names of
docs/architecture.md, plus ``person`` (local index of the true person). Money is integer 分.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from jiuzhu.engine.synth.config import Rates
from jiuzhu.engine.synth.population import (
    DAUGHTER,
    HEAD,
    SON,
    SPOUSE,
    Population,
    ages,
    days,
    to_date,
)

SOURCE_TYPES = ("household", "victim", "enforcement", "prisoner", "dibao", "tekun", "dibao_edge",
                "temp_relief", "disability", "poverty_watch", "child_care", "veteran", "unemployment")
DISABILITY_KINDS = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")  # cert digit = index + 1
DISABILITY_GRADES = ("一级", "二级", "三级", "四级")
PERSONAL_INJURY = ("机动车交通事故责任纠纷", "生命权、身体权、健康权纠纷", "医疗损害责任纠纷", "工伤保险待遇纠纷",
                   "提供劳务者受害责任纠纷")
SUPPORT = ("赡养费纠纷", "抚养费纠纷", "扶养费纠纷")
OTHER_CAUSES = ("民间借贷纠纷", "买卖合同纠纷", "劳务合同纠纷", "追索劳动报酬纠纷", "租赁合同纠纷", "离婚后财产纠纷",
                "建设工程施工合同纠纷", "房屋买卖合同纠纷")
VIOLENT_SEXUAL = ("故意伤害罪", "故意杀人罪", "抢劫罪", "强奸罪", "猥亵儿童罪", "强制猥亵罪", "绑架罪", "拐卖儿童罪")
# crime → (weight, injuries it can cause)
CRIMES: dict[str, tuple[float, tuple[str, ...]]] = {
    "故意伤害罪": (30, ("轻伤", "重伤", "死亡", "轻微伤")),
    "交通肇事罪": (20, ("轻伤", "重伤", "死亡")),
    "盗窃罪": (14, ("",)),
    "诈骗罪": (12, ("",)),
    "寻衅滋事罪": (6, ("轻微伤", "轻伤")),
    "抢劫罪": (4, ("", "轻微伤", "轻伤", "重伤")),
    "故意杀人罪": (1.5, ("死亡", "重伤")),
    "过失致人死亡罪": (1.5, ("死亡",)),
    "强奸罪": (2.5, ("", "轻伤")),
    "强制猥亵罪": (2, ("",)),
    "猥亵儿童罪": (2, ("",)),
    "虐待罪": (1.5, ("轻伤", "轻微伤")),
    "绑架罪": (0.5, ("轻伤", "")),
    "拐卖儿童罪": (0.5, ("",)),
    "过失致人重伤罪": (2, ("重伤",)),
}
SEXUAL_OR_DOMESTIC = ("强奸罪", "强制猥亵罪", "猥亵儿童罪", "虐待罪")
PRISON_CRIMES = (
    "盗窃罪",
    "诈骗罪",
    "故意伤害罪",
    "危险驾驶罪",
    "走私、贩卖、运输、制造毒品罪",
    "开设赌场罪",
    "交通肇事罪",
    "寻衅滋事罪",
    "抢劫罪",
    "强奸罪",
    "拒不执行判决、裁定罪",
)
PRISONS = ("福建省闽西监狱", "福建省福州监狱", "福建省泉州监狱", "福建省龙岩监狱", "福建省女子监狱", "福建省建阳监狱")
RELIEF_REASONS = ("因病", "因灾", "因意外事故", "因学", "生活困难", "突发事件")
RISKS = ("因病", "因残", "因学", "因灾", "因意外事故", "因务工就业不稳", "其他")
WATCH_CATEGORIES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
VETERAN_CATEGORIES = ("退役士兵", "伤残军人", "烈属", "其他")
COMPANIES = ("大田县宏达建材有限公司", "三明市鑫源贸易有限公司", "大田县顺发运输有限公司", "福建省恒泰建设工程有限公司",
             "大田县兴旺食品有限公司")


@dataclass
class State:
    pop: Population
    as_of: date
    records: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in SOURCE_TYPES if t != "household"})
    busy: np.ndarray | None = None  # persons already given a role (scenarios pick others)
    planted: np.ndarray | None = None  # persons in a planted scenario
    scenarios: list[tuple[str, int, str]] = field(default_factory=list)  # (scenario, person, expect)
    case_seq: dict[str, int] = field(default_factory=dict)
    case_seq_offset: int = 0

    def __post_init__(self) -> None:
        self.busy = np.zeros(self.pop.size, dtype=bool)
        self.planted = np.zeros(self.pop.size, dtype=bool)
        self.age = ages(self.pop.birth, self.as_of)

    def add(self, source: str, person: int, **fields: object) -> dict:
        # No record is dated before its person's birth (a 残疾证 发证日期, a 临时救助 of a newborn):
        # a real registry cannot hold such a date, and linkage must not learn to expect one.
        birth = to_date(int(self.pop.birth[person]))
        for key, value in fields.items():
            if isinstance(value, date) and value < birth:
                fields[key] = birth
        rec = {"person": int(person), **fields}
        self.records[source].append(rec)
        self.busy[person] = True
        return rec

    def case_number(self, year: int, word: str) -> str:
        key = f"{year}{word}"
        self.case_seq[key] = self.case_seq.get(key, self.case_seq_offset) + 1
        return f"({year}){self.pop.county.court_prefix}{word}{self.case_seq[key]}号"


def pick(rng: np.random.Generator, weights: tuple[float, ...] | list[float] | np.ndarray) -> int:
    """Index drawn with the given weights (much faster than Generator.choice for one draw)."""
    cum = np.cumsum(weights)
    return int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))


def _fen(yuan: float) -> int:
    return int(round(yuan)) * 100


def random_day(rng: np.random.Generator, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, max(1, (end - start).days) + 1)))


def members_alive(pop: Population, hh: int, members: dict[int, np.ndarray]) -> np.ndarray:
    m = members[hh]
    return m[pop.status[m] == 0]


def household_members(pop: Population) -> dict[int, np.ndarray]:
    order = np.argsort(pop.household, kind="stable")
    hh = pop.household[order]
    cuts = np.flatnonzero(np.r_[True, hh[1:] != hh[:-1], True])
    return {int(hh[cuts[i]]): order[cuts[i]:cuts[i + 1]] for i in range(len(cuts) - 1)}


def _pick(rng: np.random.Generator, mask: np.ndarray, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    idx = np.flatnonzero(mask)
    k = min(k, len(idx))
    if k <= 0:
        return idx[:0]
    p = None
    if weights is not None:
        w = weights[idx].astype(float)
        p = w / w.sum()
    return rng.choice(idx, size=k, replace=False, p=p)


# ---------------------------------------------------------------- background registries

def add_dibao_household(st: State, rng: np.random.Generator, hh: int, members: dict[int, np.ndarray],
                        source: str = "dibao", enrolled: date | None = None) -> list[int]:
    pop = st.pop
    alive = members_alive(pop, hh, members)
    if len(alive) == 0:
        return []
    head = int(members[hh][pop.relation[members[hh]] == HEAD][0]) if (pop.relation[members[hh]] == HEAD).any() \
        else int(alive[0])
    seat = pop.hh_township[hh] == 0
    category = "城市" if (seat and rng.random() < 0.7) or (not seat and rng.random() < 0.1) else "农村"
    per_person = int(rng.integers(3, 10)) * 100 if category == "农村" else int(rng.integers(5, 11)) * 100
    enrolled = enrolled or random_day(rng, st.as_of - timedelta(days=8 * 365), st.as_of - timedelta(days=30))
    out = []
    for p in alive.tolist():
        fields = dict(head=head, relation=int(pop.relation[p]), persons_covered=len(alive),
                      enrolled_date=enrolled, category=category)
        if source == "dibao":
            fields["monthly_amount"] = per_person * 100
        st.add(source, p, **fields)
        out.append(p)
    return out


def add_watch_household(st: State, rng: np.random.Generator, hh: int, members: dict[int, np.ndarray],
                        eliminated: bool | None = None) -> list[int]:
    pop = st.pop
    alive = members_alive(pop, hh, members)
    if len(alive) == 0:
        return []
    heads = members[hh][pop.relation[members[hh]] == HEAD]
    head = int(heads[0]) if len(heads) else int(alive[0])
    category = WATCH_CATEGORIES[pick(rng, (0.4, 0.4, 0.2))]
    risk = RISKS[pick(rng, (0.35, 0.2, 0.1, 0.08, 0.1, 0.12, 0.05))]
    if eliminated is None:
        eliminated = bool(rng.random() < 0.6)
    identified = random_day(rng, st.as_of - timedelta(days=4 * 365), st.as_of - timedelta(days=10))
    for p in alive.tolist():
        st.add("poverty_watch", p, head=head, monitor_category=category, main_risk=risk,
               risk_eliminated=eliminated, identified_date=identified)
    return alive.tolist()


def add_disability(st: State, rng: np.random.Generator, p: int, kind: int | None = None,
                   grade: int | None = None) -> dict:
    if kind is None:
        kind = pick(rng, (0.10, 0.12, 0.02, 0.50, 0.08, 0.10, 0.08))
    if grade is None:
        grade = pick(rng, (0.10, 0.25, 0.30, 0.35))
    issued = random_day(rng, st.as_of - timedelta(days=10 * 365), st.as_of - timedelta(days=5))
    return st.add("disability", p, disability_kind=DISABILITY_KINDS[kind], disability_grade=DISABILITY_GRADES[grade],
                  issue_date=issued)


def add_temp_relief(st: State, rng: np.random.Generator, p: int, when: date) -> dict:
    return st.add("temp_relief", p, relief_date=when, relief_amount=int(rng.integers(5, 61)) * 100 * 100,
                  relief_reason=RELIEF_REASONS[int(rng.integers(0, len(RELIEF_REASONS)))])


def add_prisoner(st: State, rng: np.random.Generator, p: int, current: bool = True, crime: str | None = None) -> dict:
    d = st.as_of
    if current:
        start = random_day(rng, d - timedelta(days=5 * 365), d - timedelta(days=30))
        end = random_day(rng, d + timedelta(days=60), d + timedelta(days=10 * 365))
    else:  # released before the as-of date: still on the prison's export of the year
        end = random_day(rng, d - timedelta(days=300), d - timedelta(days=2))
        start = end - timedelta(days=int(rng.integers(365, 6 * 365)))
    crime = crime or PRISON_CRIMES[int(rng.integers(0, len(PRISON_CRIMES)))]
    return st.add("prisoner", p, crime=crime, sentence_start=start if rng.random() > 0.05 else None,
                  sentence_end=end, prison=PRISONS[int(rng.integers(0, len(PRISONS)))])


def add_victim(st: State, rng: np.random.Generator, p: int, crime: str | None = None, injury: str | None = None,
               paid: str | None = None, incident: date | None = None, judgment_no: str | None = None) -> dict:
    """A victim record; ``paid`` is 'full', 'partial', 'none' or 'nojudged' (no compensation judged)."""
    d = st.as_of
    if crime is None:
        names = list(CRIMES)
        w = np.array([CRIMES[c][0] for c in names])
        crime = names[pick(rng, w)]
    if injury is None:
        options = CRIMES[crime][1]
        injury = options[int(rng.integers(0, len(options)))]
    judged_date = random_day(rng, d - timedelta(days=2 * 365), d - timedelta(days=15))
    incident = incident or judged_date - timedelta(days=int(rng.integers(60, 400)))
    if judged_date <= incident:
        judged_date = min(d - timedelta(days=1), incident + timedelta(days=90))
    base = {"": (5_000, 100_000), "轻微伤": (2_000, 30_000), "轻伤": (20_000, 80_000), "重伤": (100_000, 500_000),
            "死亡": (300_000, 1_200_000)}[injury]
    judged = _fen(rng.integers(base[0] // 100, base[1] // 100) * 100)
    if paid is None:
        paid = ("full", "partial", "none", "nojudged")[pick(rng, (0.35, 0.2, 0.35, 0.1))]
    if paid == "nojudged":
        judged_v, paid_v = None, None
    else:
        paid_v = (
            judged if paid == "full" else (0 if paid == "none" else judged * int(rng.integers(1, 9)) // 10 // 100 * 100)
        )
        judged_v = judged
    number = judgment_no or st.case_number(judged_date.year, "刑初")
    defendant = int(rng.integers(0, st.pop.size))
    if st.pop.status[p] == 0 and injury == "死亡":
        st.pop.status[p] = 1
    return st.add("victim", p, crime=crime, injury=injury, judgment_no=number, defendant=defendant,
                  compensation_judged=judged_v, compensation_paid=paid_v, incident_date=incident,
                  judgment_date=judged_date)


def add_enforcement(st: State, rng: np.random.Generator, p: int, cause: str, applied: int, unpaid: int,
                    basis_no: str | None, respondent: int | None = None, company: bool = False) -> dict:
    d = st.as_of
    filed = random_day(rng, d - timedelta(days=3 * 365), d - timedelta(days=120))
    terminated = random_day(rng, filed + timedelta(days=60), min(d, filed + timedelta(days=540)))
    if respondent is None and not company:
        respondent = int(rng.integers(0, st.pop.size))
        if respondent == p:
            respondent = (p + 1) % st.pop.size
    return st.add(
        "enforcement",
        p,
        enforcement_no=st.case_number(filed.year, "执"),
        basis_no=basis_no,
        cause=cause,
        respondent=respondent,
        respondent_company=COMPANIES[int(rng.integers(0, len(COMPANIES)))] if company else None,
        amount_applied=applied,
        amount_unpaid=unpaid,
        filed_date=filed,
        terminated_date=terminated,
    )


def civil_number(st: State, rng: np.random.Generator) -> str:
    year = st.as_of.year - int(rng.integers(1, 4))
    return st.case_number(year, "民初")


def background(st: State, rng: np.random.Generator, rates: Rates) -> None:
    """Registry memberships at their rates per 100k residents."""
    pop, d = st.pop, st.as_of
    n = pop.size
    per = n / 100_000
    alive = pop.status == 0
    age = st.age
    members = household_members(pop)
    st.members = members  # type: ignore[attr-defined]

    # deaths and the missing (kept in the household registry with their status)
    dead = _pick(rng, alive, int(rates.deaths * per), np.exp(np.clip(age, 0, 100) / 12.0))
    pop.status[dead] = 1
    miss = _pick(rng, (pop.status == 0) & (age >= 18), int(rates.missing * per))
    pop.status[miss] = 2
    alive = pop.status == 0

    # disability: more common with age
    w = 0.3 + np.clip(age, 0, 95) / 30.0
    for p in _pick(rng, alive, int(rates.disability * per), w).tolist():
        add_disability(st, rng, p)
    disabled = np.zeros(n, dtype=bool)
    disabled[[r["person"] for r in st.records["disability"]]] = True

    # 低保: households, weighted towards disabled and elderly members
    hh_count = int(pop.household.max()) + 1
    hh_size = np.bincount(pop.household, minlength=hh_count)
    hh_w = 1 + 3 * np.bincount(pop.household, weights=disabled, minlength=hh_count) \
        + np.bincount(pop.household, weights=age >= 70, minlength=hh_count)
    target = rates.dibao * per
    chosen = _pick(rng, np.ones(hh_count, dtype=bool), int(target / max(1.0, hh_size.mean())), hh_w)
    on_dibao = set()
    for hh in chosen.tolist():
        on_dibao.update(add_dibao_household(st, rng, hh, members))
    free_hh = np.ones(hh_count, dtype=bool)
    free_hh[chosen] = False
    edge = _pick(rng, free_hh, int(rates.dibao_edge * per / max(1.0, hh_size.mean())), hh_w)
    for hh in edge.tolist():
        add_dibao_household(st, rng, hh, members, source="dibao_edge")
    free_hh[edge] = False
    rural = pop.hh_township != 0
    watch = _pick(rng, free_hh & rural, int(rates.poverty_watch * per / max(1.0, hh_size.mean())), hh_w)
    for hh in watch.tolist():
        add_watch_household(st, rng, hh, members)

    # 特困: old people living alone, or severely disabled, not on 低保
    not_dibao = np.ones(n, dtype=bool)
    not_dibao[list(on_dibao)] = False
    alone = hh_size[pop.household] == 1
    cand = alive & not_dibao & (((age >= 60) & alone) | (disabled & (age >= 16)))
    for p in _pick(rng, cand, int(rates.tekun * per)).tolist():
        st.add("tekun", p, support_mode="集中" if rng.random() < 0.25 else "分散",
               self_care=("全自理", "半护理", "全护理")[pick(rng, (0.5, 0.3, 0.2))],
               enrolled_date=random_day(rng, d - timedelta(days=10 * 365), d - timedelta(days=20)))

    # 临时救助: events over two years, half of them older than twelve months
    poor_w = np.where(not_dibao, 1.0, 4.0)
    for p in _pick(rng, alive, int(rates.temp_relief * 2 * per), poor_w).tolist():
        add_temp_relief(st, rng, p, random_day(rng, d - timedelta(days=730), d))

    vet = alive & pop.male & (age >= 22) & (age <= 85)
    for p in _pick(rng, vet, int(rates.veteran * per)).tolist():
        cat = pick(rng, (0.85, 0.05, 0.04, 0.06))
        st.add("veteran", p, discharge_date=random_day(rng, date(max(1960, d.year - int(age[p]) + 20), 1, 1),
                                                         d - timedelta(days=30)),
               veteran_category=VETERAN_CATEGORIES[cat], periodic_benefit=cat in (1, 2) or rng.random() < 0.05)

    work = alive & (age >= 18) & (age <= 59)
    for p in _pick(rng, work, int(rates.unemployment * per)).tolist():
        st.add("unemployment", p, registered_date=random_day(rng, d - timedelta(days=2 * 365), d - timedelta(days=3)),
               hard_to_employ=bool(rng.random() < 0.3))

    inmate = alive & (age >= 18) & (age <= 65)
    inmate_w = np.where(pop.male, 9.0, 1.0)
    for p in _pick(rng, inmate, int(rates.prisoner * per * 1.15), inmate_w).tolist():
        add_prisoner(st, rng, p, current=rng.random() < 0.87)

    # victims: two years of judgments; some become enforcement applicants
    vw = np.where((age >= 18) & (age <= 60), 3.0, 1.0)
    victims = _pick(rng, alive & ~st.busy & (age >= 8), int(rates.victim * 2 * per), vw)
    enforcement_target = int(rates.enforcement * per)
    for p in victims.tolist():
        v = add_victim(st, rng, p)
        judged, paid = v["compensation_judged"], v["compensation_paid"]
        if judged and judged > paid and rng.random() < 0.5 and enforcement_target > 0:
            owed = judged - paid
            unpaid = owed if rng.random() < 0.8 else owed * int(rng.integers(3, 10)) // 10 // 100 * 100
            if v["crime"] == "交通肇事罪" and rng.random() < 0.4:
                add_enforcement(st, rng, p, "机动车交通事故责任纠纷", owed, unpaid, civil_number(st, rng))
            else:
                add_enforcement(st, rng, p, v["crime"], owed, unpaid,
                                v["judgment_no"] if rng.random() < 0.9 else None)
            enforcement_target -= 1

    # civil 终本 cases with a natural-person applicant
    causes = PERSONAL_INJURY + SUPPORT + OTHER_CAUSES
    cw = np.array([10, 4, 1, 1, 2, 2, 3, 0.5, 35, 15, 6, 5, 4, 3, 3, 2], dtype=float)
    adults = np.flatnonzero(alive & (age >= 18))
    elderly = np.flatnonzero(alive & (age >= 60))
    kids = np.flatnonzero(alive & (age >= 3) & (age < 18))
    for _ in range(max(0, enforcement_target)):
        cause = causes[pick(rng, cw)]
        pool = elderly if cause == "赡养费纠纷" else (kids if cause == "抚养费纠纷" and rng.random() < 0.5 else adults)
        p = int(pool[rng.integers(0, len(pool))])
        applied = (
            _fen(int(rng.integers(20, 5000)) * 100) if cause not in SUPPORT else _fen(int(rng.integers(6, 120)) * 500)
        )
        paid_all = rng.random() < 0.04
        unpaid = 0 if paid_all else applied * int(rng.integers(3, 11)) // 10 // 100 * 100
        add_enforcement(
            st,
            rng,
            p,
            cause,
            applied,
            unpaid,
            civil_number(st, rng),
            company=cause in ("买卖合同纠纷", "建设工程施工合同纠纷", "追索劳动报酬纠纷") and rng.random() < 0.5,
        )

    # 孤儿/事实无人抚养: children whose parents cannot raise them (consistent with the household)
    children = np.flatnonzero(alive & (age < 18) & np.isin(pop.relation, (SON, DAUGHTER)))
    for c in _pick(rng, np.isin(np.arange(n), children) & ~st.busy, int(rates.child_care * per)).tolist():
        parents = [int(q) for q in members[int(pop.household[c])] if pop.relation[q] in (HEAD, SPOUSE)]
        orphan = rng.random() < 0.4
        for q in parents:
            if orphan:
                pop.status[q] = 1
        add_child_care(st, rng, c, "孤儿" if orphan else "事实无人抚养儿童")


def add_child_care(st: State, rng: np.random.Generator, c: int, category: str) -> dict:
    pop = st.pop
    mem = st.members[int(pop.household[c])]  # type: ignore[attr-defined]
    guardians = [int(q) for q in mem if pop.status[q] == 0 and st.age[q] >= 18 and q != c]
    guardian = pop.name[guardians[0]] if guardians else None
    return st.add("child_care", c, care_category=category, guardian_name=guardian,
                  monthly_amount=(1450, 1200, 1100)[int(rng.integers(0, 3))] * 100 if rng.random() < 0.9 else None,
                  enrolled_date=random_day(rng, st.as_of - timedelta(days=6 * 365), st.as_of - timedelta(days=20)))


def date_of(n: int) -> date:
    return to_date(n)


def day_number(d: date) -> int:
    return days(d)
