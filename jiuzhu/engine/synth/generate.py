"""`jiuzhu synth`: a simulated region, its departmental files and the ground truth.

The region is generated in chunks of households (one chunk for a county; one per Fujian
county at ``province`` scale), each with its own random stream, so memory stays bounded and
the output is deterministic for a seed. Everything a rule needs (households, victims and their
enforcement cases) lives inside one chunk.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from jiuzhu.engine.region import current_region
from jiuzhu.engine.synth.config import SynthConfig
from jiuzhu.engine.synth.layouts import LAYOUTS, REJECTABLE
from jiuzhu.engine.synth.places import FUJIAN_COUNTIES, township_names, village_names
from jiuzhu.engine.synth.population import RELATIONS, STATUSES, County, Population, build_population, to_date
from jiuzhu.engine.synth.render import (
    FLAG_REASON,
    VALID_FORMS,
    FileRenderer,
    bad_reason,
    name_for,
    person_values,
    plan_file_dirt,
)
from jiuzhu.engine.synth.scenarios import RULES, plant
from jiuzhu.engine.synth.state import (
    DISABILITY_GRADES,
    DISABILITY_KINDS,
    SEXUAL_OR_DOMESTIC,
    SOURCE_TYPES,
    State,
    background,
)
from jiuzhu.engine.synth.truth_rules import evaluate

SCALES = {"county": 310_000, "province": 41_000_000}
CSV_ONLY_ABOVE = 1_500_000  # residents: above this every file is CSV (xlsx would not stream)
CHUNK = 600_000


def parse_scale(text: str) -> int:
    if text in SCALES:
        return SCALES[text]
    try:
        n = int(text.replace("_", ""))
    except ValueError as err:
        raise ValueError(f"规模应为 county、province 或居民人数: {text!r}") from err
    if n < 2_000:
        raise ValueError("居民人数至少 2000")
    return n


@dataclass
class Truth:
    """The truth/ folder, written as the chunks come."""

    root: Path
    handles: dict[str, object] = field(default_factory=dict)
    writers: dict[str, csv.writer] = field(default_factory=dict)

    def writer(self, name: str, header: list[str]) -> csv.writer:
        if name not in self.writers:
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self.handles[name] = fh
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            self.writers[name] = w
        return self.writers[name]

    def close(self) -> None:
        for fh in self.handles.values():
            fh.close()  # type: ignore[attr-defined]


STATE_FIELDS = {
    "victim": ["crime", "injury", "judgment_no", "defendant", "compensation_judged", "compensation_paid",
               "incident_date", "judgment_date"],
    "enforcement": ["enforcement_no", "basis_no", "cause", "respondent", "respondent_company", "amount_applied",
                    "amount_unpaid", "filed_date", "terminated_date"],
    "prisoner": ["crime", "sentence_start", "sentence_end", "prison"],
    "dibao": ["head", "relation", "persons_covered", "monthly_amount", "enrolled_date", "category"],
    "dibao_edge": ["head", "relation", "persons_covered", "enrolled_date", "category"],
    "tekun": ["support_mode", "self_care", "enrolled_date"],
    "temp_relief": ["relief_date", "relief_amount", "relief_reason"],
    "disability": ["disability_kind", "disability_grade", "issue_date"],
    "poverty_watch": ["head", "monitor_category", "main_risk", "risk_eliminated", "identified_date"],
    "child_care": ["care_category", "guardian_name", "monthly_amount", "enrolled_date"],
    "veteran": ["discharge_date", "veteran_category", "periodic_benefit"],
    "unemployment": ["registered_date", "hard_to_employ"],
}
PERSON_FIELDS = ("head", "defendant", "respondent")


def _state_value(pop: Population, key: str, v: object) -> str:
    if v is None:
        return ""
    if key in PERSON_FIELDS:
        return pop.person_id(int(v))  # type: ignore[arg-type]
    if key == "relation":
        return RELATIONS[int(v)]  # type: ignore[arg-type]
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def file_name(place: str, source: str, fmt: str, as_of: date) -> str:
    lay = LAYOUTS[source]
    ext = "xlsx" if fmt == "xlsx" else ("xls" if fmt == "xls" else "csv")
    return f"{place}{lay.office}_{lay.title}_{as_of.year}年{as_of.month}月.{ext}"


def counties_for(residents: int, province: bool, rng: np.random.Generator) -> list[tuple[County, int]]:
    """The chunks: (county, residents in it)."""
    if not province:
        r = current_region()
        county = County(r.division_code, r.county, r.court_prefix, r.townships,
                        village_names(rng, len(r.townships)), province=r.province, city=r.city)
        parts = max(1, -(-residents // CHUNK))
        return [(county, residents // parts + (1 if i < residents % parts else 0)) for i in range(parts)]
    out = []
    per = residents // len(FUJIAN_COUNTIES)
    for i, (code, name) in enumerate(FUJIAN_COUNTIES):
        towns = township_names(rng, int(rng.integers(8, 20)))
        county = County(code, name, f"闽{code[2:]}", towns, village_names(rng, len(towns)), province="福建省")
        out.append((county, per + (residents - per * len(FUJIAN_COUNTIES) if i == 0 else 0)))
    return out


def generate(out: Path, residents: int, seed: int, as_of: date, config: SynthConfig | None = None,
             province: bool | None = None, progress: bool = False) -> dict:
    """Write the files and truth/ into ``out``; return the manifest."""
    started = time.monotonic()
    config = config or SynthConfig()
    province = residents >= 5_000_000 if province is None else province
    csv_only = residents > CSV_ONLY_ABOVE
    out.mkdir(parents=True, exist_ok=True)
    truth = Truth(out / "truth")
    plan_rng = np.random.default_rng([seed, 0])
    chunks = counties_for(residents, province, plan_rng)
    place = "福建省" if province else chunks[0][0].name

    formats = {s: LAYOUTS[s].fmt if not csv_only or LAYOUTS[s].fmt.startswith("csv") else "csv-utf8-bom"
               for s in SOURCE_TYPES}
    plan = plan_file_dirt(np.random.default_rng([seed, 3]), formats, config.dirt)
    renderers: dict[str, FileRenderer] = {}
    for k, source in enumerate(SOURCE_TYPES):
        fmt = formats[source]
        name = file_name(place, source, fmt, as_of)
        renderers[source] = FileRenderer(LAYOUTS[source], fmt, out / name, np.random.default_rng([seed, 1, k]),
                                         config.dirt, config.id_poor, place, as_of, plan[source])

    records_w = truth.writer("records.csv", ["file", "row", "person"])
    persons_w = truth.writer("persons.csv", ["person", "id_number", "name", "sex", "birth_date", "household_no",
                                             "relation", "status", "township", "village", "phone", "county"])
    clues_w = truth.writer("clues.csv", ["rule", "id_number", "person", "tags", "planted"])
    corrupted_w = truth.writer("corrupted.csv", ["file", "row", "person", "id_number", "cell"])
    bad_w = truth.writer("bad_rows.csv", ["file", "row", "column", "field", "reason", "kind"])
    dup_w = truth.writer("duplicates.csv", ["file", "row", "first_row"])
    scen_w = truth.writer("scenarios.csv", ["scenario", "expect", "person", "id_number"])
    rule_counts: Counter[str] = Counter()
    planted_counts: Counter[str] = Counter()
    near_miss_counts: Counter[str] = Counter()
    person_offset = household_offset = 0

    for ci, (county, n) in enumerate(chunks):
        t0 = time.monotonic()
        rng = np.random.default_rng([seed, 2, ci])
        pop = build_population(rng, county, n, as_of, person_offset, household_offset, band=(2 * ci) % 250)
        st = State(pop, as_of)
        background(st, rng, config.rates)
        per_rule = max(config.rates.min_planted, round(n * config.rates.planted_per_rule / 100_000))
        plant(st, rng, per_rule)
        if config.id_poor:
            plant_namesakes(st, rng, config)
        mark_rejected(st, rng, config.dirt.rejected_row, renderers)
        clues = evaluate(st)
        protected = st.planted.copy()
        for people in clues.values():
            protected[list(people)] = True

        _write_persons(persons_w, pop)
        _render_household(renderers["household"], pop, records_w)
        for source in SOURCE_TYPES[1:]:
            _render_registry(renderers[source], source, st, protected, records_w, corrupted_w, bad_w, dup_w,
                             truth, config)
        _write_clues(clues_w, st, clues, rule_counts, planted_counts)
        for scenario, p, expect in st.scenarios:
            scen_w.writerow([scenario, expect, pop.person_id(p), pop.id_number[p]])
            if expect.startswith("not"):
                near_miss_counts[scenario] += 1
        person_offset += pop.size
        household_offset += int(pop.household.max()) + 1
        if progress:
            print(f"  {county.name}: {pop.size:,} 人 {time.monotonic() - t0:.1f}s", flush=True)

    files = {}
    file_dirt: Counter[str] = Counter()
    dirt_total: Counter[str] = Counter()
    eligible_total: Counter[str] = Counter()
    for source, fr in renderers.items():
        fr.close()
        files[fr.path.name] = {"source": source, "format": fr.fmt, "rows": fr.rows_written,
                               "first_data_row": fr.writer.rows_before_data + 1,
                               "columns": (["serial"] if fr.style.serial else []) + [c.field for c in fr.style.columns],
                               "headers": (["序号"] if fr.style.serial else []) + fr.style.headers,
                               "file_dirt": sorted(fr.file_dirt),
                               "dirt": dict(sorted(fr.counts.items())), "eligible": dict(sorted(fr.eligible.items()))}
        file_dirt.update(fr.file_dirt)
        dirt_total.update(fr.counts)
        eligible_total.update(fr.eligible)
    truth.close()
    rates = config.as_dict()["dirt"]
    if config.id_poor:
        rates["id_stripped"] = None  # victim 25 %, enforcement 20 % of rows: see config.id_poor
        rates["name_typo_stripped"] = config.id_poor.typo_when_stripped
    manifest = {
        "seed": seed, "as_of": as_of.isoformat(), "scale": "province" if province else "county",
        "residents": residents, "region": place, "id_poor": config.id_poor is not None,
        "config": config.as_dict(), "files": files,
        "dirt": {k: {"count": dirt_total[k], "eligible": eligible_total[k], "rate": rates.get(k)}
                 for k in sorted(set(eligible_total) | set(dirt_total))},
        "file_dirt": {k: file_dirt[k] for k in sorted(file_dirt)},
        "rules": {r: rule_counts[r] for r in RULES},
        "planted": {r: planted_counts[r] for r in RULES},
        "near_misses": dict(sorted(near_miss_counts.items())),
        "seconds": round(time.monotonic() - started, 1),
    }
    (out / "truth" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def mark_rejected(st: State, rng: np.random.Generator, rate: float, renderers: dict[str, FileRenderer]) -> None:
    """Rows the importer must reject (a required cell empty or bad); never a planted person's."""
    for source, rows in st.records.items():
        fields = REJECTABLE.get(source, ())
        fr = renderers[source]
        for r in rows:
            if st.planted[r["person"]]:
                continue
            fr.eligible["rejected_row"] += 1
            if rng.random() < rate:
                r["rejected"] = fields[int(rng.integers(0, len(fields)))]
                fr.counts["rejected_row"] += 1


def plant_namesakes(st: State, rng: np.random.Generator, config: SynthConfig) -> None:
    """ID-poor option: people with the very name of a court party in the same township, and
    clusters of 陈秀英 / 林建华, so that matching on the name alone links the wrong people."""
    pop = st.pop
    assert config.id_poor is not None
    court = [r["person"] for t in ("victim", "enforcement") for r in st.records[t]]
    k = int(pop.size * config.id_poor.namesakes_per_100k / 100_000)
    town = pop.hh_township[pop.household]
    for _ in range(k // 2):
        if not court:
            break
        x = court[int(rng.integers(0, len(court)))]
        same = np.flatnonzero((town == town[x]) & (pop.male == pop.male[x]) & ~st.planted)
        if len(same) > 1:
            y = int(same[rng.integers(0, len(same))])
            if y != x:
                pop.name[y] = pop.name[x]
    for _ in range(k // 2):
        t = int(rng.integers(0, len(pop.county.townships)))
        common = "陈秀英" if rng.random() < 0.5 else "林建华"
        mask = (town == t) & ~st.planted & ((pop.male == 0) if common == "陈秀英" else True)
        cand = np.flatnonzero(mask)
        for y in rng.choice(cand, size=min(3, len(cand)), replace=False).tolist() if len(cand) else []:
            pop.name[y] = common


def _write_persons(w: csv.writer, pop: Population) -> None:
    county = pop.county
    n = pop.size
    hh_no = np.array([pop.household_no(h) for h in range(int(pop.household.max()) + 1)], dtype=object)
    village_of = np.array([county.villages[t][v] for t, v in zip(pop.hh_township.tolist(), pop.hh_village.tolist(),
                                                                  strict=True)], dtype=object)
    ids = [f"P{pop.person_offset + i:09d}" for i in range(n)]
    w.writerows(zip(
        ids, pop.id_number.tolist(), pop.name.tolist(), np.where(pop.male, "男", "女").tolist(),
        pop.birth.astype("datetime64[D]").astype(str).tolist(), hh_no[pop.household].tolist(),
        np.array(RELATIONS, dtype=object)[pop.relation].tolist(), np.array(STATUSES, dtype=object)[pop.status].tolist(),
        np.array(county.townships, dtype=object)[pop.hh_township[pop.household]].tolist(),
        village_of[pop.household].tolist(), pop.phone.tolist(), [county.division] * n, strict=True))


def _render_household(fr: FileRenderer, pop: Population, records_w: csv.writer) -> None:
    """The fast path: the 公安 export is system-made and clean, written column by column."""
    from jiuzhu.engine.synth import cells as cl

    n = pop.size
    county = pop.county
    hh_no = np.array([pop.household_no(h) for h in range(int(pop.household.max()) + 1)], dtype=object)
    town = pop.hh_township[pop.household]
    vil = pop.hh_village[pop.household]
    village_of = np.array([county.villages[t][v] for t, v in zip(pop.hh_township.tolist(), pop.hh_village.tolist(),
                                                                  strict=True)], dtype=object)
    style = fr.style
    births = pop.birth.astype("datetime64[D]").astype(str)
    if style.date_style not in ("iso", "cell"):
        births = np.array([cl.fmt_date(date.fromisoformat(b), style.date_style, True) for b in births.tolist()],
                          dtype=object)
    cols = {
        "household_no": hh_no[pop.household], "name": pop.name, "sex": np.where(pop.male, "男", "女"),
        "id_number": pop.id_number, "birth_date": births, "relation": np.array(RELATIONS, dtype=object)[pop.relation],
        "status": np.array(STATUSES, dtype=object)[pop.status],
        "township": np.array(county.townships, dtype=object)[town], "village": village_of[pop.household],
        "address": pop.hh_address[pop.household],
    }
    del vil
    arrays = [cols[c.field].tolist() for c in style.columns]
    if style.serial:
        arrays.insert(0, list(range(fr.rows_written + 1, fr.rows_written + n + 1)))
    rows = list(zip(*arrays, strict=True))
    if hasattr(fr.writer, "add_many"):
        first = fr.writer.add_many(rows)  # type: ignore[attr-defined]
    else:
        first = None
        for r in rows:
            got = fr.writer.add(list(r))
            first = first or got
    fr.rows_written += n
    name = fr.path.name
    records_w.writerows(zip([name] * n, range(first, first + n), [f"P{pop.person_offset + i:09d}" for i in range(n)],
                           strict=True))


def _values(st: State, source: str, rec: dict, rng: np.random.Generator) -> dict[str, object]:
    pop = st.pop
    p = rec["person"]
    v = person_values(pop, p)
    v.update({k: rec.get(k) for k in STATE_FIELDS[source] if k not in PERSON_FIELDS})
    if "head" in rec:
        v["head_name"] = pop.name[rec["head"]]
        v["head_id_number"] = pop.id_number[rec["head"]]
    if "relation" in rec:
        v["relation"] = RELATIONS[rec["relation"]]
    if source == "victim":
        d = rec["defendant"]
        v["defendant_name"] = pop.name[d]
        v["defendant_id_number"] = pop.id_number[d] if rng.random() < 0.8 else None
    if source == "enforcement":
        if rec["respondent_company"]:
            v["respondent_name"] = rec["respondent_company"]
            v["respondent_id_number"] = None
        else:
            v["respondent_name"] = pop.name[rec["respondent"]]
            v["respondent_id_number"] = pop.id_number[rec["respondent"]] if rng.random() < 0.85 else None
    if source == "disability":
        kind = DISABILITY_KINDS.index(rec["disability_kind"]) + 1
        grade = DISABILITY_GRADES.index(rec["disability_grade"]) + 1
        v["disability_cert_no"] = f"{pop.id_number[p]}{kind}{grade}"
    return v


def _render_registry(fr: FileRenderer, source: str, st: State, protected: np.ndarray, records_w: csv.writer,
                     corrupted_w: csv.writer, bad_w: csv.writer, dup_w: csv.writer, truth: Truth,
                     config: SynthConfig) -> None:
    pop = st.pop
    rng = fr.rng
    dirt = config.dirt
    name = fr.path.name
    court = source in ("victim", "enforcement")
    missing_kind = {"victim": "id_missing_victim", "enforcement": "id_missing_enforcement"}.get(source, "id_missing")
    missing_rate = getattr(dirt, missing_kind)
    strip_rate = 0.0
    if config.id_poor:
        strip_rate = {"victim": config.id_poor.victim_stripped,
                      "enforcement": config.id_poor.enforcement_stripped}.get(source, 0.0)
    fields = STATE_FIELDS[source]
    state_w = truth.writer(f"state/{source}.csv", ["file", "row", "person", "id_number", "name", "rejected"] + fields)
    header_of = dict(zip((c.field for c in fr.style.columns), fr.style.headers, strict=True))
    droppable = {"disability": "issue_date", "dibao": "enrolled_date", "tekun": "enrolled_date",
                 "dibao_edge": "enrolled_date", "poverty_watch": "identified_date", "child_care": "enrolled_date",
                 "veteran": "discharge_date", "enforcement": "filed_date"}.get(source)
    if droppable not in header_of:
        droppable = None
    id_col = next(c for c in fr.style.columns if c.field == "id_number")
    for rec in st.records[source]:
        p = rec["person"]
        values = _values(st, source, rec, rng)
        stripped = strip_rate > 0 and rng.random() < strip_rate
        if strip_rate > 0:
            fr.eligible["id_stripped"] += 1
        born = to_date(int(pop.birth[p])).year
        form = fr.id_form(pop.id_number[p], born, bool(protected[p]), missing_kind, missing_rate, stripped)
        values["name"] = name_for(fr, str(pop.name[p]), court, form in VALID_FORMS, stripped)
        rejected = rec.get("rejected")
        dropped = None
        if droppable and not rejected:
            fr.eligible["dropped_value"] += 1
            if rng.random() < dirt.dropped_value:
                dropped = droppable
                fr.counts["dropped_value"] += 1
        row = fr.render(values, rejected, dropped)
        # the ID cell carries its own dirt
        idx = fr.style.columns.index(id_col)
        if rejected != "id_number":
            from jiuzhu.engine.synth.cells import id_cell
            row[idx] = id_cell(pop.id_number[p], form, rng, fr.csv)
        number = fr.add(row)
        records_w.writerow([name, number, pop.person_id(p)])
        state_w.writerow([name, number, pop.person_id(p), pop.id_number[p], pop.name[p], rejected or ""]
                         + [_state_value(pop, k, rec.get(k)) for k in fields])
        if rejected:
            col = next(c for c in fr.style.columns if c.field == rejected)
            bad_w.writerow([name, number, header_of[rejected], rejected, bad_reason(col), "rejected"])
            continue
        if dropped:
            bad_w.writerow([name, number, header_of[dropped], dropped, "bad_value", "dropped"])
        if form in FLAG_REASON:
            bad_w.writerow([name, number, header_of["id_number"], "id_number", FLAG_REASON[form], "flagged"])
            if form == "float":
                corrupted_w.writerow([name, number, pop.person_id(p), pop.id_number[p], str(row[idx])])
            continue
        if fr.style.serial:
            continue
        fr.eligible["duplicate_row"] += 1
        if rng.random() < dirt.duplicate_row:
            again = fr.add(list(fr.last_row))  # type: ignore[arg-type]
            fr.counts["duplicate_row"] += 1
            records_w.writerow([name, again, pop.person_id(p)])
            state_w.writerow([name, again, pop.person_id(p), pop.id_number[p], pop.name[p], ""]
                             + [_state_value(pop, k, rec.get(k)) for k in fields])
            dup_w.writerow([name, again, number])
            bad_w.writerow([name, again, "", "", "duplicate", "duplicate"])


def _write_clues(w: csv.writer, st: State, clues: dict[str, set[int]], rule_counts: Counter[str],
                 planted_counts: Counter[str]) -> None:
    pop = st.pop
    disabled = {r["person"] for r in st.records["disability"] if not r.get("rejected")}
    veterans = {r["person"] for r in st.records["veteran"] if not r.get("rejected")}
    women = {r["person"] for r in st.records["victim"] if r["crime"] in SEXUAL_OR_DOMESTIC and not r.get("rejected")}
    planted = {(s, p) for s, p, e in st.scenarios if not e.startswith("not")}
    for rule in RULES:
        for p in sorted(clues[rule], key=lambda q: pop.id_number[q]):
            tags = []
            if st.age[p] < 18:
                tags.append("未成年人")
            if p in disabled:
                tags.append("残疾人")
            if p in veterans:
                tags.append("退役军人")
            if st.age[p] >= 60:
                tags.append("老年人")
            if not pop.male[p] and p in women:
                tags.append("妇女")
            was_planted = (rule, p) in planted
            w.writerow([rule, pop.id_number[p], pop.person_id(p), ";".join(tags), int(was_planted)])
            rule_counts[rule] += 1
            planted_counts[rule] += was_planted
