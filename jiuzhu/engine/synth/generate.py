"""`jiuzhu synth`: a simulated region, its departmental files and the ground truth.

The region is generated in chunks of households (one chunk for a county; one per Fujian
county at ``province`` scale), each with its own random stream, so memory stays bounded and
the output is deterministic for a seed. Everything a rule needs (households, victims and their
enforcement cases) lives inside one chunk.
"""

from __future__ import annotations

import csv
import json
import multiprocessing as mp
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from jiuzhu.engine.region import current_region
from jiuzhu.engine.synth.cells import fmt_date, id_cell
from jiuzhu.engine.synth.config import SynthConfig
from jiuzhu.engine.synth.layouts import DROPPABLE, LAYOUTS, REJECTABLE
from jiuzhu.engine.synth.places import FUJIAN_COUNTIES, township_names, village_names
from jiuzhu.engine.synth.population import RELATIONS, STATUSES, County, Population, build_population, to_date
from jiuzhu.engine.synth.render import (
    FLAG_REASON,
    VALID_FORMS,
    FileRenderer,
    PersonView,
    bad_reason,
    name_for,
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
from jiuzhu.engine.synth.writers import write_columns

SCALES = {"county": 310_000, "province": 41_000_000}
CHUNK = 600_000  # residents per chunk of a single county; above one chunk every file is CSV, streamed


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


def counties_for(residents: int, province: bool, rng: np.random.Generator,
                 chunk: int = CHUNK) -> list[tuple[County, int]]:
    """The chunks: (county, residents in it)."""
    if not province:
        r = current_region()
        county = County(r.division_code, r.county, r.court_prefix, r.townships,
                        village_names(rng, len(r.townships), residents=residents),
                        province=r.province, city=r.city)
        parts = max(1, -(-residents // chunk))
        return [(county, residents // parts + (1 if i < residents % parts else 0)) for i in range(parts)]
    out = []
    per = residents // len(FUJIAN_COUNTIES)
    for i, (code, name) in enumerate(FUJIAN_COUNTIES):
        towns = township_names(rng, int(rng.integers(8, 20)))
        county = County(code, name, f"闽{code[2:]}", towns, village_names(rng, len(towns)), province="福建省")
        out.append((county, per + (residents - per * len(FUJIAN_COUNTIES) if i == 0 else 0)))
    return out


@dataclass
class Job:
    """What one chunk needs; picklable, so province chunks can run in worker processes."""

    out: Path
    seed: int
    as_of: date
    config: SynthConfig
    place: str
    formats: dict[str, str]
    plan: dict[str, set[str]]
    ci: int
    county: County
    n: int
    person_offset: int
    household_first_row: int  # the row of this chunk's first household row in the final file
    part_dir: Path | None = None
    sharing: int = 1  # chunks that share this chunk's county (a large single county)
    province: bool = False


@dataclass
class ChunkResult:
    rows: dict[str, int]
    counts: dict[str, Counter[str]]
    eligible: dict[str, Counter[str]]
    rules: Counter[str]
    planted: Counter[str]
    near_misses: Counter[str]
    seconds: float
    county: str
    residents: int


TRUTH_HEADERS = {
    "records.csv": ["file", "row", "person"],
    "persons.csv": ["person", "id_number", "name", "sex", "birth_date", "household_no", "relation", "status",
                    "township", "village", "phone", "county"],
    "clues.csv": ["rule", "id_number", "person", "tags", "planted"],
    "corrupted.csv": ["file", "row", "person", "id_number", "cell"],
    "bad_rows.csv": ["file", "row", "column", "field", "reason", "kind"],
    "duplicates.csv": ["file", "row", "first_row"],
    "scenarios.csv": ["scenario", "expect", "person", "id_number"],
}


def _renderers(job: Job, part: bool) -> dict[str, FileRenderer]:
    out = {}
    for k, source in enumerate(SOURCE_TYPES):
        fmt = job.formats[source]
        name = file_name(job.place, source, fmt, job.as_of)
        part_path = job.part_dir / f"{source}.part" if part and job.part_dir else None
        out[source] = FileRenderer(LAYOUTS[source], fmt, job.out / name, np.random.default_rng([job.seed, 1, k]),
                                   job.config.dirt, job.config.id_poor, job.place, job.as_of, job.plan[source],
                                   part=part_path)
    return out


def run_chunk(job: Job, renderers: dict[str, FileRenderer] | None = None, truth: Truth | None = None) -> ChunkResult:
    """Simulate one chunk and write its rows. Without ``renderers``/``truth`` (a worker), rows
    go to part files in ``job.part_dir`` with row numbers local to the part (household rows
    excepted: their final numbers are known in advance)."""
    t0 = time.monotonic()
    worker = renderers is None
    if worker:
        assert job.part_dir is not None
        job.part_dir.mkdir(parents=True, exist_ok=True)
        renderers = _renderers(job, part=True)
        truth = Truth(job.part_dir / "truth")
    assert truth is not None
    for k, source in enumerate(SOURCE_TYPES):
        fr = renderers[source]
        fr.rng = np.random.default_rng([job.seed, 4, job.ci, k])
        fr.counts.clear()
        fr.eligible.clear()
        fr.rows_written = 0 if worker else fr.rows_written
    before = {s: fr.rows_written for s, fr in renderers.items()}
    w = {name: truth.writer(name, header) for name, header in TRUTH_HEADERS.items()}
    if worker:
        truth.writer("records_household.csv", TRUTH_HEADERS["records.csv"])
    config = job.config
    rng = np.random.default_rng([job.seed, 2, job.ci])
    pop = build_population(rng, job.county, job.n, job.as_of, job.person_offset, job.ci * 1_000_000,
                           chunk=job.ci, sharing=job.sharing, province=job.province)
    st = State(pop, job.as_of)
    # chunks of one county share its court: their case numbers must not meet
    st.case_seq_offset = job.ci * 20_000 if job.sharing > 1 else 0
    background(st, rng, config.rates)
    per_rule = max(config.rates.min_planted, round(job.n * config.rates.planted_per_rule / 100_000))
    plant(st, rng, per_rule)
    if config.id_poor:
        plant_namesakes(st, rng, config)
    mark_rejected(st, rng, config.dirt.rejected_row, renderers)
    clues = evaluate(st)
    protected = st.planted.copy()
    for people in clues.values():
        protected[list(people)] = True

    st.view = PersonView(pop)  # type: ignore[attr-defined]
    _write_persons(truth, pop)
    shift = job.household_first_row - 1 if worker else 0
    _render_household(renderers["household"], pop, truth, "records_household.csv" if worker else "records.csv", shift)
    for source in SOURCE_TYPES[1:]:
        _render_registry(renderers[source], source, st, protected, w["records.csv"], w["corrupted.csv"],
                         w["bad_rows.csv"], w["duplicates.csv"], truth, config)
    rules: Counter[str] = Counter()
    planted: Counter[str] = Counter()
    near: Counter[str] = Counter()
    _write_clues(w["clues.csv"], st, clues, rules, planted)
    for scenario, p, expect in st.scenarios:
        w["scenarios.csv"].writerow([scenario, expect, pop.person_id(p), pop.id_number[p]])
        if expect.startswith("not"):
            near[scenario] += 1
    result = ChunkResult(
        rows={s: fr.rows_written - before[s] for s, fr in renderers.items()},
        counts={s: Counter(fr.counts) for s, fr in renderers.items()},
        eligible={s: Counter(fr.eligible) for s, fr in renderers.items()},
        rules=rules, planted=planted, near_misses=near, seconds=time.monotonic() - t0,
        county=job.county.name, residents=pop.size)
    if worker:
        for fr in renderers.values():
            fr.writer._fh.close()  # type: ignore[attr-defined]
        truth.close()
    return result


def _merge_part(job: Job, result: ChunkResult, renderers: dict[str, FileRenderer], truth: Truth) -> None:
    """Append a worker's part files to the final files, shifting row numbers into place."""
    assert job.part_dir is not None
    offset = {}
    for source, fr in renderers.items():
        offset[fr.path.name] = fr.writer.rows  # type: ignore[attr-defined]
        fr.writer.append_part(job.part_dir / f"{source}.part", result.rows[source])  # type: ignore[attr-defined]
        fr.rows_written += result.rows[source]
    root = job.part_dir / "truth"
    for name in ("persons.csv", "clues.csv", "scenarios.csv"):
        truth.writer(name, TRUTH_HEADERS[name])
        fh = truth.handles[name]
        with open(root / name, encoding="utf-8") as src:
            src.readline()
            shutil.copyfileobj(src, fh)  # type: ignore[arg-type]
    truth.writer("records.csv", TRUTH_HEADERS["records.csv"])
    with open(root / "records_household.csv", encoding="utf-8") as src:
        src.readline()
        shutil.copyfileobj(src, truth.handles["records.csv"])  # type: ignore[arg-type]
    shifted = ["records.csv", "corrupted.csv", "bad_rows.csv", "duplicates.csv"]
    shifted += [f"state/{s}.csv" for s in SOURCE_TYPES[1:] if (root / "state" / f"{s}.csv").exists()]
    for name in shifted:
        with open(root / name, encoding="utf-8", newline="") as src:
            reader = csv.reader(src)
            header = next(reader)
            out = truth.writer(name, header)
            for row in reader:
                row[1] = str(int(row[1]) + offset[row[0]])
                if name == "duplicates.csv":
                    row[2] = str(int(row[2]) + offset[row[0]])
                out.writerow(row)
    shutil.rmtree(job.part_dir)


def generate(out: Path, residents: int, seed: int, as_of: date, config: SynthConfig | None = None,
             province: bool | None = None, progress: bool = False, workers: int | None = None,
             chunk: int = CHUNK) -> dict:
    """Write the files and truth/ into ``out``; return the manifest."""
    started = time.monotonic()
    config = config or SynthConfig()
    province = residents >= 5_000_000 if province is None else province
    out.mkdir(parents=True, exist_ok=True)
    truth = Truth(out / "truth")
    chunks = counties_for(residents, province, np.random.default_rng([seed, 0]), chunk)
    csv_only = len(chunks) > 1
    place = "福建省" if province else chunks[0][0].name
    formats = {s: LAYOUTS[s].fmt if not csv_only or LAYOUTS[s].fmt.startswith("csv") else "csv-utf8-bom"
               for s in SOURCE_TYPES}
    plan = plan_file_dirt(np.random.default_rng([seed, 3]), formats, config.dirt, streamed=len(chunks) > 1)
    base = Job(out, seed, as_of, config, place, formats, plan, 0, chunks[0][0], 0, 0, 0)
    renderers = _renderers(base, part=False)
    for name, header in TRUTH_HEADERS.items():
        truth.writer(name, header)
    jobs = []
    person_offset = 0
    household_row = renderers["household"].writer.rows_before_data + 1
    for ci, (county, n) in enumerate(chunks):
        jobs.append(Job(out, seed, as_of, config, place, formats, plan, ci, county, n, person_offset, household_row,
                        out / ".parts" / f"{ci:03d}" if len(chunks) > 1 else None,
                        sharing=1 if province else len(chunks), province=province))
        person_offset += n
        household_row += n

    results: list[ChunkResult] = []

    def report(r: ChunkResult) -> None:
        results.append(r)
        if progress:
            print(f"  {r.county}: {r.residents:,} 人 {r.seconds:.1f}s", flush=True)

    if len(chunks) == 1:
        report(run_chunk(jobs[0], renderers, truth))
    else:
        procs = workers or min(len(chunks), max(1, (os.cpu_count() or 1)))
        # spawn, not fork: a forked worker inherits the caller's threads, locks and signal handlers (a test
        # process holding a Spark session saw one hang at the pool's exit); a fresh one costs ≈ 1 s to start
        with mp.get_context("spawn").Pool(procs) as pool:
            for job, r in zip(jobs, pool.imap(run_chunk, jobs), strict=True):
                _merge_part(job, r, renderers, truth)
                report(r)
        (out / ".parts").rmdir()

    rule_counts: Counter[str] = Counter()
    planted_counts: Counter[str] = Counter()
    near_miss_counts: Counter[str] = Counter()
    per_file_counts: dict[str, Counter[str]] = {s: Counter() for s in SOURCE_TYPES}
    per_file_eligible: dict[str, Counter[str]] = {s: Counter() for s in SOURCE_TYPES}
    for r in results:
        rule_counts.update(r.rules)
        planted_counts.update(r.planted)
        near_miss_counts.update(r.near_misses)
        for s in SOURCE_TYPES:
            per_file_counts[s].update(r.counts[s])
            per_file_eligible[s].update(r.eligible[s])

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
                               "dirt": dict(sorted(per_file_counts[source].items())),
                               "eligible": dict(sorted(per_file_eligible[source].items()))}
        file_dirt.update(fr.file_dirt)
        dirt_total.update(per_file_counts[source])
        eligible_total.update(per_file_eligible[source])
    truth.close()
    rates = config.as_dict()["dirt"]
    if config.id_poor:
        rates["id_stripped"] = None  # victim 25 %, enforcement 20 % of rows: see config.id_poor
        rates["name_typo_stripped"] = config.id_poor.typo_when_stripped
        rates["address_only"] = config.id_poor.address_only_when_stripped
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
        "chunks": len(chunks),
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


def _write_persons(truth: Truth, pop: Population) -> None:
    county = pop.county
    n = pop.size
    hh_no = np.array([pop.household_no(h) for h in range(int(pop.household.max()) + 1)], dtype=object)
    village_of = np.array([county.villages[t][v] for t, v in zip(pop.hh_township.tolist(), pop.hh_village.tolist(),
                                                                  strict=True)], dtype=object)
    ids = [f"P{pop.person_offset + i:09d}" for i in range(n)]
    columns = [
        ids, pop.id_number.tolist(), pop.name.tolist(), np.where(pop.male, "男", "女").tolist(),
        pop.birth.astype("datetime64[D]").astype(str).tolist(), hh_no[pop.household].tolist(),
        np.array(RELATIONS, dtype=object)[pop.relation].tolist(), np.array(STATUSES, dtype=object)[pop.status].tolist(),
        np.array(county.townships, dtype=object)[pop.hh_township[pop.household]].tolist(),
        village_of[pop.household].tolist(), pop.phone.tolist(), [county.division] * n]
    write_columns(truth.handles["persons.csv"], truth.writers["persons.csv"], columns, ",", "\n")


def _render_household(fr: FileRenderer, pop: Population, truth: Truth, records: str, shift: int = 0) -> None:
    """The fast path: the 公安 export is system-made and clean, written column by column."""
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
        # format each distinct birth date once
        uniq, inverse = np.unique(pop.birth, return_inverse=True)
        texts = np.array([fmt_date(to_date(int(d)), style.date_style, True) for d in uniq.tolist()], dtype=object)
        births = texts[inverse]
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
        arrays.insert(0, [str(i) for i in range(fr.rows_written + 1, fr.rows_written + n + 1)])
    first = fr.writer.add_columns(arrays)  # type: ignore[attr-defined]
    fr.rows_written += n
    name = fr.path.name
    write_columns(truth.handles[records], truth.writers[records],
                  [[name] * n, [str(r) for r in range(first + shift, first + shift + n)],
                   [f"P{pop.person_offset + i:09d}" for i in range(n)]], ",", "\n")


def _values(st: State, view: PersonView, source: str, rec: dict, rng: np.random.Generator) -> dict[str, object]:
    pop = st.pop
    p = rec["person"]
    v = view.values(p)
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
    droppable = DROPPABLE.get(source)
    if droppable not in header_of:
        droppable = None
    id_col = next(c for c in fr.style.columns if c.field == "id_number")
    idx = fr.style.columns.index(id_col)
    view = st.view  # type: ignore[attr-defined]
    for rec in st.records[source]:
        p = rec["person"]
        values = _values(st, view, source, rec, rng)
        stripped = strip_rate > 0 and rng.random() < strip_rate
        if strip_rate > 0:
            fr.eligible["id_stripped"] += 1
        born = view.birth(p).year
        form = fr.id_form(pop.id_number[p], born, bool(protected[p]), missing_kind, missing_rate, stripped)
        values["name"] = name_for(fr, str(pop.name[p]), court, form in VALID_FORMS, stripped)
        if stripped and config.id_poor:
            fr.eligible["address_only"] += 1
            if rng.random() < config.id_poor.address_only_when_stripped:
                fr.counts["address_only"] += 1
                values.update(birth_date=None, phone=None, sex=None)  # name and address text left
        rejected = rec.get("rejected")
        dropped = None
        if droppable and not rejected:
            fr.eligible["dropped_value"] += 1
            if rng.random() < dirt.dropped_value:
                dropped = droppable
                fr.counts["dropped_value"] += 1
        row = fr.render(values, rejected, dropped)
        # the ID cell carries its own dirt
        if rejected != "id_number":
            row[idx] = id_cell(view.id_number[p], form, rng, fr.csv)
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
