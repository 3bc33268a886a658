"""Linkage against ground truth: synth → ingest → link → `persons export` → pairwise precision/recall.

    python -m bench.linkage [--residents N | --scale county] [--seeds S ...] [--engine duckdb|spark]
                            [--no-baseline] [--repeat N] [--keep DIR] [--reuse] [--replicate K ...]
    python -m bench.linkage --keep DIR [--seeds S] [--only id-poor] --replicate-only [--reuse] --replicate K ...

For each seed an ordinary county and an ID-poor one (`jiuzhu synth --id-poor`) are generated.
Seeds default to ones never used while choosing the model's parameters and threshold (tuning
used 1001/1002 and the tests' fixtures; see docs/linkage.md). Measured:

- pairwise precision and recall over all exported records: a pair is two records of one true
  person (truth/records.csv), predicted when they share a person_key;
- recall over records without a valid ID: the true pairs with at least one such record;
- our linkage time (api.link) and, side by side in the same process on the same records, a
  plain Splink deduplication with Splink's default name comparisons (trained by Splink's usual
  u-sampling + EM), its time and F1.

With ``--replicate K``, the ingested county warehouse is then copied K times (record ids, ID numbers,
phones, case numbers and township names suffixed per copy, so each copy is a county of distinct
people whose names repeat across copies as across a province's counties) and linked alone: time,
CPU seconds, peak memory, whether any link crosses two copies (none should), and precision and recall
against each copy's truth. ``--replicate-only``
does only that, on the counties an earlier ``--keep DIR`` run ingested (so the peak RSS is the copy's);
with ``--reuse`` the copies stay in DIR and are linked again next time. Set ``JIUZHU_LINK_MEMORY_MB``
for the linkage's DuckDB cap (the warehouse connection gets a quarter of it besides).

Figures go to stdout and bench/out/linkage.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from math import comb
from pathlib import Path
from statistics import median

BENCH_SEEDS = (71001,)
AS_OF = date(2025, 10, 31)


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def pairwise(records: list[tuple[str, str, bool]]) -> dict:
    """``records``: (predicted person, true person, has a valid ID). Pair counts by contingency."""
    pred = Counter(p for p, _, _ in records)
    true = Counter(t for _, t, _ in records)
    both = Counter((p, t) for p, t, _ in records)
    tp = sum(comb(n, 2) for n in both.values())
    pp, tt = sum(comb(n, 2) for n in pred.values()), sum(comb(n, 2) for n in true.values())
    # True pairs with at least one record without a valid ID: all true pairs minus ID-only ones.
    true_id = Counter(t for _, t, has in records if has)
    both_id = Counter((p, t) for p, t, has in records if has)
    tt_noid = tt - sum(comb(n, 2) for n in true_id.values())
    tp_noid = tp - sum(comb(n, 2) for n in both_id.values())
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    return {
        "records": len(records),
        "records_without_id": sum(1 for _, _, has in records if not has),
        "true_pairs": tt, "predicted_pairs": pp, "true_positive_pairs": tp,
        "precision": round(precision, 5), "recall": round(recall, 5),
        "f1": round(2 * precision * recall / (precision + recall), 5) if precision + recall else 0.0,
        "true_pairs_without_id": tt_noid,
        "recall_without_id": round(tp_noid / tt_noid, 5) if tt_noid else 1.0,
    }


def score_export(export_csv: Path, truth_dir: Path) -> dict:
    truth = {(r["file"], r["row"]): r["person"] for r in _read(truth_dir / "records.csv")}
    rows = [(r["person_key"], truth.get((r["file"], r["row"])), bool(r["id_number"])) for r in _read(export_csv)]
    scored = [r for r in rows if r[1] is not None]
    out = pairwise(scored)
    out["exported_without_truth"] = len(rows) - len(scored)
    return out


def baseline(warehouse: Path, truth_dir: Path) -> dict:
    """A plain Splink dedupe of the same records: Splink's default comparisons, usual training."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect(str(warehouse), read_only=True)
    table = con.sql("""
        SELECT record_id AS unique_id, file_name, "row", name,
               CASE WHEN id_status = 'valid' THEN id_number END AS id_number,
               sex, strftime(birth_date, '%Y-%m-%d') AS birth_date, phone, township, village
        FROM subjects""").to_arrow_table()
    con.close()
    started, cpu = time.perf_counter(), time.process_time()
    db_api = DuckDBAPI()
    df = db_api.register(table)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("id_number"),
            cl.NameComparison("name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("township"),
            cl.ExactMatch("village"),
        ],
        blocking_rules_to_generate_predictions=[block_on("id_number"), block_on("name"),
                                                block_on("birth_date"), block_on("phone")],
    )
    linker = Linker(df, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match([block_on("id_number")], recall=0.95)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold_match_probability=0.9)
    rows = clusters.as_pyarrow_table().select(["unique_id", "cluster_id"]).to_pylist()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    lineage = {r["unique_id"]: (r["file_name"], str(r["row"]), bool(r["id_number"])) for r in table.to_pylist()}
    truth = {(r["file"], r["row"]): r["person"] for r in _read(truth_dir / "records.csv")}
    scored = []
    for r in rows:
        file, row, has = lineage[r["unique_id"]]
        if (file, row) in truth:
            scored.append((r["cluster_id"], truth[(file, row)], has))
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), **pairwise(scored)}


# Columns that identify a person, a household, a case or a phone line: suffixed per copy.
_SUFFIXED = ("record_id", "id_number", "id_raw", "phone", "household_no", "judgment_no", "basis_no",
             "enforcement_no", "defendant_id_number", "respondent_id_number", "head_id_number",
             "disability_cert_no", "township")


def replicate(src: Path, dst: Path, times: int) -> int:
    """``dst``: the warehouse ``src`` with every ``rec_*`` table copied ``times`` times (copy 0 as it is,
    copy i with ``#i`` after each identifying value and after each township name, in the address text
    too, as a province's counties name their own townships). Returns the records written."""
    import duckdb

    dst.unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    con = duckdb.connect(str(dst))
    try:
        con.execute("SET memory_limit = '2GB'")  # copying spills; the linkage measured after has its own cap
        towns = [r[0] for r in con.sql("SELECT DISTINCT township FROM subjects WHERE township IS NOT NULL "
                                       "ORDER BY length(township) DESC, township").fetchall()]
        tables = [
            r[0]
            for r in con.sql(
                "SELECT table_name FROM information_schema.tables "
                "WHERE starts_with(table_name, 'rec_') AND table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        total = 0
        for table in tables:
            cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                              "ORDER BY ordinal_position", [table]).fetchall()]
            address = "address"
            for town in towns:  # longest first, so 城关镇 is not rewritten inside a longer name
                address = f"replace({address}, '{town}', '{town}#' || t.i)"
            select = []
            for c in cols:
                if c in _SUFFIXED:
                    select.append(f"CASE WHEN t.i = 0 THEN \"{c}\" ELSE \"{c}\" || '#' || t.i END AS \"{c}\"")
                elif c == "address":
                    select.append(f"CASE WHEN t.i = 0 THEN address ELSE {address} END AS address")
                else:
                    select.append(f'"{c}"')
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT {', '.join(select)} FROM {table}, range({times}) t(i)"
            )
            total += con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        # The county's own tables: a new linkage replaces them.
        for stale in ("person_index", "persons", "link_explanations"):
            con.execute(f"DROP TABLE IF EXISTS {stale}")
        con.execute("CHECKPOINT")
        return total
    finally:
        con.close()


def score_replicated(warehouse: Path, truth_dir: Path) -> dict:
    """Pairwise figures of a linked K-fold copy: record ``…#i`` is the county's record of copy i, and
    its true person the county's person of copy i (copies are distinct people sharing names)."""
    import duckdb

    truth = {(r["file"], r["row"]): r["person"] for r in _read(truth_dir / "records.csv")}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.sql("""SELECT p.person_key, s.file_name, s."row", s.id_status = 'valid',
                                 coalesce(nullif(regexp_extract(s.record_id, '#([0-9]+)$', 1), ''), '0')
                          FROM person_index p JOIN subjects s USING (record_id)""").fetchall()
    finally:
        con.close()
    return pairwise([(key, f"{truth[(file, str(row))]}#{copy}", has) for key, file, row, has, copy in rows
                     if (file, str(row)) in truth])


def run_replicated(src: Path, work: Path, times: int, engine: str, reuse: bool = False) -> dict:
    """Link a ``times``-fold copy of an ingested county alone: time, CPU, peak memory, cross-copy links,
    and — where the county's truth is beside it (``county-<label>/truth``) — precision and recall, so
    that a region K times the county can be compared with the county itself.
    ``reuse``: link again a copy an earlier run left in ``work``."""
    import duckdb

    from jiuzhu.engine.linkage import link
    from jiuzhu.engine.linkage.run import memory_limit_mb

    dst = work / f"replicated-{times}.duckdb"
    t0 = time.perf_counter()
    if reuse and dst.exists():
        con = duckdb.connect(str(dst), read_only=True)
        records = con.sql("SELECT count(*) FROM subjects").fetchall()[0][0]
        con.close()
    else:
        records = replicate(src, dst, times)
    t1, cpu1 = time.perf_counter(), time.process_time()
    result = link(engine, warehouse=dst)
    t2, cpu2 = time.perf_counter(), time.process_time()
    con = duckdb.connect(str(dst), read_only=True)
    try:
        # A copy's records end in #i (copy 0: no #); a link between two copies is a wrong link.
        copy = "coalesce(nullif(regexp_extract({c}, '#([0-9]+)$', 1), ''), '0')"
        crossing = con.sql(f"SELECT count(*) FROM link_explanations "
                           f"WHERE {copy.format(c='record_id_l')} <> {copy.format(c='record_id_r')}").fetchall()[0][0]
    finally:
        con.close()
    truth_dir = work / src.parent.name.replace("home-", "county-", 1) / "truth"
    figures = score_replicated(dst, truth_dir) if (truth_dir / "records.csv").exists() else None
    return {"times": times, "records": records, "engine": engine,
            "link": {k: v for k, v in result.__dict__.items() if k not in ("engine",)},
            "ours": figures, "cross_copy_links": crossing, "duckdb_memory_limit_mb": memory_limit_mb(),
            "seconds": {"replicate": round(t1 - t0, 1), "link_wall": round(t2 - t1, 1),
                        "link_cpu": round(cpu2 - cpu1, 1)},
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def run_one(residents: int, seed: int, id_poor: bool, engine: str, work: Path, with_baseline: bool,
            reuse: bool = False, repeat: int = 1) -> dict:
    from jiuzhu.cli.main import main as cli
    from jiuzhu.engine import api
    from jiuzhu.engine.synth.config import IdPoor, SynthConfig
    from jiuzhu.engine.synth.generate import generate

    label = f"{seed}{'-id-poor' if id_poor else ''}"
    county, home = work / f"county-{label}", work / f"home-{label}"
    os.environ["JIUZHU_HOME"] = str(home)
    ingest_s = None
    if not (reuse and (home / "warehouse.duckdb").exists()):
        shutil.rmtree(county, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
        generate(county, residents, seed, AS_OF, SynthConfig(id_poor=IdPoor() if id_poor else None))
        t = time.perf_counter()
        api.ingest([county], as_of=AS_OF)
        ingest_s = round(time.perf_counter() - t, 2)
    load = os.getloadavg()[0]
    # ``repeat`` times each, ours and plain Splink in turn (the same load for both): medians reported.
    ours_s, ours_cpu, plain = [], [], []
    for _ in range(repeat):
        cpu = time.process_time()
        result = api.link(engine)
        ours_cpu.append(time.process_time() - cpu)  # every thread of the process (DuckDB's too), like the baseline's
        ours_s.append(result.seconds)
        if with_baseline:
            plain.append(baseline(home / "warehouse.duckdb", county / "truth"))
    export = work / f"persons-{label}.csv"
    assert cli(["persons", "export", "--out", str(export)]) == 0
    out = {"seed": seed, "id_poor": id_poor, "residents": residents, "engine": engine,
           "ingest_seconds": ingest_s, "link_seconds": median(ours_s), "link_cpu_seconds": round(median(ours_cpu), 2),
           "load_average_1min": round(load, 2),
           "link": {k: v for k, v in result.__dict__.items() if k not in ("engine", "seconds")},
           "ours": score_export(export, county / "truth")}
    if repeat > 1:
        out["link_seconds_each"] = ours_s
    if with_baseline:
        out["splink_default"] = {**plain[-1], "seconds": median([b["seconds"] for b in plain]),
                                 "cpu_seconds": median([b["cpu_seconds"] for b in plain])}
        if repeat > 1:
            out["splink_default"]["seconds_each"] = [b["seconds"] for b in plain]
        out["speed_up"] = round(out["splink_default"]["seconds"] / out["link_seconds"], 1)
        out["speed_up_cpu"] = round(out["splink_default"]["cpu_seconds"] / out["link_cpu_seconds"], 1)
    return out


def _replicated(work: Path, label: str, times: list[int], engine: str, reuse: bool = False) -> list[dict]:
    """``reuse``: copies are kept in ``work`` and linked again next time (else made and removed)."""
    out = []
    for k in times:
        scaled = run_replicated(work / f"home-{label}" / "warehouse.duckdb", work, k, engine, reuse)
        print(json.dumps({"county": label, **scaled}, ensure_ascii=False), flush=True)
        out.append(scaled)
        if not reuse:
            (work / f"replicated-{k}.duckdb").unlink(missing_ok=True)
    return out


def _replicate_only(args: argparse.Namespace) -> int:
    if not args.keep:
        raise SystemExit("--replicate-only needs --keep DIR with counties ingested by an earlier run")
    runs = []
    for seed in args.seeds:
        for kind in ("", "-id-poor"):
            if args.only in (None, "id-poor" if kind else "ordinary"):
                runs.append({"county": f"{seed}{kind}",
                             "replicated": _replicated(args.keep, f"{seed}{kind}", args.replicate, args.engine,
                                                       args.reuse)})
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "linkage-replicated.json").write_text(json.dumps({"date": date.today().isoformat(), "runs": runs},
                                                            ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.linkage")
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--scale", choices=("county",), help="county ≈ 310,000 residents")
    parser.add_argument("--seeds", type=int, nargs="*", default=list(BENCH_SEEDS))
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="link and run plain Splink N times each, in turn; report the medians")
    parser.add_argument("--only", choices=("ordinary", "id-poor"))
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: link again the counties already ingested there"
    )
    parser.add_argument("--replicate", type=int, nargs="*", default=[], metavar="K",
                        help="then link a K-fold copy of each county's warehouse alone (province scale), for each K")
    parser.add_argument("--replicate-only", action="store_true",
                        help="with --keep: only the K-fold copies of the counties ingested there (peak RSS is theirs)")
    args = parser.parse_args(argv)
    if args.replicate_only:
        return _replicate_only(args)
    residents = 310_000 if args.scale == "county" else args.residents
    work = args.keep or Path(tempfile.mkdtemp(prefix="jiuzhu-bench-linkage-"))
    results = []
    kinds = [k for k in (False, True) if args.only is None or args.only == ("id-poor" if k else "ordinary")]
    for seed in args.seeds:
        for id_poor in kinds:
            r = run_one(
                residents,
                seed,
                id_poor,
                args.engine,
                work,
                not args.no_baseline,
                args.reuse and bool(args.keep),
                args.repeat,
            )
            results.append(r)
            print(json.dumps(r, ensure_ascii=False), flush=True)
            label = f"{seed}{'-id-poor' if id_poor else ''}"
            r["replicated"] = _replicated(work, label, args.replicate, args.engine)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {"date": date.today().isoformat(), "cores": os.cpu_count(), "peak_rss_mb": round(peak_mb),
               "runs": results}
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "linkage.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    ok = all(r["ours"]["precision"] >= 0.999 and r["ours"]["recall"] >= 0.995
             and r["ours"]["recall_without_id"] >= 0.95 for r in results)
    print(f"targets {'met' if ok else 'NOT met'}; peak RSS {peak_mb:.0f} MB; bench/out/linkage.json")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
