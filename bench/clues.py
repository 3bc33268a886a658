"""Clue queue, person search and person page at scale: ``python -m bench.clues [--db sqlite|postgres]``.

Builds (or reuses, in ``--home``) a warehouse of ``--persons`` persons (default 1,000,000) with their records,
person index, links and search table, and a case database with ``--clues`` clues (default 100,000) on the
chosen database, then times the pages as a browser gets them (Django's test client: URL routing, access
checks, queries, audit entry, template) — ``--repeat`` requests per scenario, p50/p95/max in ms.
PostgreSQL: ``--db postgres --pg-url postgresql://postgres@127.0.0.1:5432/NAME`` (the database is emptied
and migrated). Figures go to stdout and to ``bench/out/clues-<db>.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).parent / "out"
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
            "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志宏海波宁丹斌"
         "春梅云飞鑫晨凯浩宇文博林峰俊丽娇美欣怡佳琪雪莹婷慧颖晶亮成龙祥瑞福贵德仁义礼智信忠孝")
SOURCES = ("household", "dibao", "disability", "victim", "enforcement")
RULES = (
    ("SJ-01", "被害人因案致贫", "procuratorate", ""),
    ("SJ-03", "民事侵权因案致贫", "procuratorate", ""),
    ("MZ-01", "疑似孤儿或事实无人抚养儿童", "civil_affairs", ""),
    ("MZ-02", "重残家庭未成年人", "civil_affairs", ""),
    ("FP-01", "因案返贫风险", "rural_revitalization", "procuratorate"),
    ("WC-01", "未成年被害人", "procuratorate", ""),
)
TOWNS = ("均溪镇", "石牌镇", "上京镇", "广平镇", "桃源镇", "太华镇", "建设镇", "奇韬镇", "华兴镇", "吴山镇")


def build_warehouse(path: Path, persons: int) -> None:
    """persons: one 户籍 record each; every third also on 低保 (linked by ID), every 20th a 被害人 record
    without ID linked by name and birth date (with its link explanation)."""
    import duckdb

    from jiuzhu.engine.persons import build_search
    from jiuzhu.engine.warehouse.schema import ensure_schema

    con = duckdb.connect(str(path))
    ensure_schema(con)
    con.execute(f"SET VARIABLE surnames = {list(SURNAMES)!r}")
    con.execute(f"SET VARIABLE given = {list(GIVEN)!r}")
    con.execute(f"""
        CREATE TABLE base AS SELECT i,
          'p' || substr(md5(CAST(i AS VARCHAR)), 1, 16) AS person_key,  -- spread as linkage's sha256 keys are
          getvariable('surnames')[CAST(1 + hash(i) % {len(SURNAMES)} AS BIGINT)]
            || getvariable('given')[CAST(1 + hash(i * 7) % {len(GIVEN)} AS BIGINT)]
            || CASE WHEN i % 4 = 0 THEN ''
                    ELSE getvariable('given')[CAST(1 + hash(i * 13) % {len(GIVEN)} AS BIGINT)] END AS name,
          DATE '1940-01-01' + CAST(hash(i * 3) % 29000 AS INTEGER) AS birth_date,
          CASE WHEN i % 2 = 0 THEN '男' ELSE '女' END AS sex,
          {list(TOWNS)!r}[1 + i % {len(TOWNS)}] AS township
        FROM range({persons}) t(i)""")
    con.execute("UPDATE base SET name = name")  # materialise
    con.execute("""CREATE TEMP TABLE ids AS SELECT i, '350425' || strftime(birth_date, '%Y%m%d')
                   || lpad(CAST(i % 1000 AS VARCHAR), 3, '0') || CAST(i % 10 AS VARCHAR) AS id_number FROM base""")
    for table, source, cond, with_id in (("rec_household", "household", "true", True),
                                         ("rec_dibao", "dibao", "i % 3 = 0", True),
                                         ("rec_victim", "victim", "i % 20 = 1", False)):
        con.execute(f"INSERT INTO batches (batch_id, unit, source_type, as_of, file_name, file_sha256) VALUES "
                    f"('B{source}', 'x', '{source}', DATE '2026-11-30', '{source}.xlsx', 'x')")
        con.execute(f"""INSERT INTO {table} (record_id, batch_id, source_type, file_name, sheet, "row", id_status,
                        name, id_number, sex, birth_date, township, address)
                        SELECT 'B{source}:S:' || i, 'B{source}', '{source}', '{source}.xlsx', 'S', i + 2,
                               {"'valid'" if with_id else "'empty'"}, name, {"id_number" if with_id else "NULL"},
                               sex, birth_date, township, township || '某村' FROM base JOIN ids USING (i)
                        WHERE {cond}""")
    con.execute("""CREATE TABLE person_index AS
        SELECT 'Bhousehold:S:' || i AS record_id, 'household' AS source_type, person_key, 'id' AS method FROM base
        UNION ALL SELECT 'Bdibao:S:' || i, 'dibao', person_key, 'id' FROM base WHERE i % 3 = 0
        UNION ALL SELECT 'Bvictim:S:' || i, 'victim', person_key, 'probabilistic' FROM base WHERE i % 20 = 1""")
    con.execute("""CREATE TABLE persons AS SELECT person_key, name, id_number, sex, birth_date,
        CAST(1 + (i % 3 = 0)::INT + (i % 20 = 1)::INT AS INTEGER) AS records FROM base JOIN ids USING (i)""")
    comparisons = json.dumps({"name": {"level": "姓名相同", "weight": 8.1},
                              "birth_date": {"level": "出生日期相同", "weight": 14.2},
                              "township": {"level": "乡镇相同", "weight": 3.8}}, ensure_ascii=False)
    con.execute("CREATE TABLE link_explanations AS SELECT 'Bhousehold:S:' || i AS record_id_l, "
                "'Bvictim:S:' || i AS record_id_r, 26.1 AS match_weight, 0.99999 AS match_probability, "
                "? AS comparisons FROM base WHERE i % 20 = 1", [comparisons])
    con.execute("DROP TABLE base")
    build_search(con)
    con.close()


def build_clues(n: int, persons: int, seed: int = 1) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from jiuzhu.app.accounts.models import Profile, Unit
    from jiuzhu.app.accounts.seed import seed_units
    from jiuzhu.app.casework.models import Verification
    from jiuzhu.app.clues.models import Clue, record_types, tag_text

    seed_units()
    units = {u.code: u for u in Unit.objects.all()}
    User = get_user_model()
    users = {}
    for name, unit, role in (("bob", "procuratorate", "dept_head"), ("alice", "procuratorate", "handler"),
                             ("frank", "civil_affairs", "liaison")):
        user = User.objects.create_user(name, password="bench-password-1")
        Profile.objects.create(user=user, unit=units[unit], role=role, display_name=name)
        users[name] = user
    rng = random.Random(seed)
    now = timezone.now()
    batch = []
    for k in range(n):
        i = rng.randrange(persons)
        rule, rule_name, target, second = RULES[k % len(RULES)]
        tags = [t for t, p in (("未成年人", 0.2), ("残疾人", 0.15), ("老年人", 0.25)) if rng.random() < p]
        records = [{"record_id": f"Bhousehold:S:{i}", "source_type": "household", "file": "household.xlsx",
                    "sheet": "S", "row": i + 2}]
        if i % 20 == 1:
            records.append({"record_id": f"Bvictim:S:{i}", "source_type": "victim", "file": "victim.xlsx",
                            "sheet": "S", "row": i + 2})
        seen = now - timedelta(days=rng.randrange(400))
        batch.append(Clue(key=f"{rule}|{k}", rule=rule, rule_name=rule_name, rule_version=f"{rule}@1",
                          person_key="p" + hashlib.md5(str(i).encode()).hexdigest()[:16], person_name=f"人{i}",
                          person_id_number="", priority=rng.randrange(101), tags=tags, tag_text=tag_text(tags),
                          target_unit=target, second_unit=second, reason=f"{rule_name}：测试线索{k}",
                          records=records, record_types=record_types(records),
                          facts={"township": TOWNS[i % len(TOWNS)]}, township=TOWNS[i % len(TOWNS)],
                          as_of=date(2026, 11, 30),
                          first_seen=seen, last_seen=seen,
                          state=rng.choice(("new", "new", "new", "assigned", "excluded", "accepted"))))
        if len(batch) == 5000:
            Clue.objects.bulk_create(batch)
            batch = []
    Clue.objects.bulk_create(batch)
    assigned = Clue.objects.filter(state="assigned", target_unit="procuratorate").values_list("pk", flat=True)
    Verification.objects.bulk_create(
        [Verification(clue_id=pk, handler=users["alice"], assigned_by=users["bob"], assigned_on=date(2026, 11, 1),
                      due_on=date(2026, 11, 8)) for pk in assigned], batch_size=5000)


def _time(client, url: str, repeat: int, params_for=None) -> dict:
    times = []
    for k in range(repeat):
        params = params_for(k) if params_for else {}
        started = time.perf_counter()
        r = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        if r.status_code not in (200, 302):
            raise SystemExit(f"{url} {params}: HTTP {r.status_code}")
    times.sort()
    return {"p50": round(statistics.median(times), 1), "p95": round(times[int(0.95 * (len(times) - 1))], 1),
            "max": round(times[-1], 1), "n": len(times)}


def measure(repeat: int, persons: int, seed: int = 2) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from jiuzhu.engine.persons import search

    User = get_user_model()
    rng = random.Random(seed)
    clients = {}
    for name in ("bob", "alice", "frank"):
        c = Client()
        c.force_login(User.objects.get(username=name))
        clients[name] = c
    # search inputs taken from the warehouse itself
    samples = [search(f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}", limit=1) for _ in range(40)]
    names = [s[0].name for s in samples if s]
    ids = []
    import duckdb

    from jiuzhu.engine.home import warehouse_path

    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        rows = con.execute("SELECT person_key, name, id_number FROM persons USING SAMPLE 200 ROWS").fetchall()
    ids = [r[2] for r in rows]
    keys = [r[0] for r in rows]
    from jiuzhu.engine.identity.names import pinyin_key

    out = {}
    q = {
        "queue: leader, open clues by priority": ("bob", "/clues/", None),
        "queue: leader, page 500": ("bob", "/clues/", lambda k: {"page": 500 + k}),
        "queue: leader, MZ-01 sorted by name": ("bob", "/clues/", lambda k: {"rule": "MZ-01", "sort": "name"}),
        "queue: leader, tag 未成年人 + township": ("bob", "/clues/", lambda k: {"tag": "未成年人",
                                                                            "township": TOWNS[k % len(TOWNS)]}),
        "queue: leader, all states, 200 per page": ("bob", "/clues/", lambda k: {"state": "all", "per": 200}),
        "queue: handler (team rules)": ("alice", "/clues/", None),
        "queue: 民政 liaison": ("frank", "/clues/", None),
        "search: full name": ("alice", "/persons/", lambda k: {"q": names[k % len(names)]}),
        "search: part of a name": ("alice", "/persons/", lambda k: {"q": names[k % len(names)][1:]}),
        "search: pinyin": ("alice", "/persons/", lambda k: {"q": pinyin_key(names[k % len(names)]).replace(" ", "")}),
        "search: full ID": ("alice", "/persons/", lambda k: {"q": ids[k % len(ids)]}),
        "search: name + last 4 digits": ("alice", "/persons/",
                                         lambda k: {"q": f"{rows[k % len(rows)][1]} {ids[k % len(ids)][-4:]}"}),
        "person page": ("alice", None, None),
    }
    for label, (who, url, params) in q.items():
        if url is None:
            times = []
            for k in range(repeat):
                started = time.perf_counter()
                r = clients[who].get(f"/persons/{keys[k % len(keys)]}/")
                times.append((time.perf_counter() - started) * 1000)
                assert r.status_code == 200, r.status_code
            times.sort()
            out[label] = {"p50": round(statistics.median(times), 1),
                          "p95": round(times[int(0.95 * (len(times) - 1))], 1), "max": round(times[-1], 1),
                          "n": repeat}
        else:
            clients[who].get(url, params(0) if params else {})  # warm
            out[label] = _time(clients[who], url, repeat, params)
        print(f"{label:45s} p50 {out[label]['p50']:7.1f} ms  p95 {out[label]['p95']:7.1f} ms  "
              f"max {out[label]['max']:7.1f} ms", flush=True)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.clues")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench_clues")
    parser.add_argument("--home", required=True, help="JIUZHU_HOME (its warehouse is kept and reused)")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--clues", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args(argv)
    home = Path(args.home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["JIUZHU_HOME"] = str(home)
    if args.db == "postgres":
        os.environ["DATABASE_URL"] = args.pg_url
    else:
        os.environ.pop("DATABASE_URL", None)
        (home / "jiuzhu.sqlite3").unlink(missing_ok=True)
    os.environ.setdefault("JIUZHU_ALLOWED_HOSTS", "testserver")
    figures: dict = {"db": args.db, "persons": args.persons, "clues": args.clues,
                     "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores",
                     "date": datetime.now().strftime("%Y-%m-%d %H:%M")}
    warehouse = home / "warehouse.duckdb"
    if not warehouse.exists():
        started = time.perf_counter()
        build_warehouse(warehouse, args.persons)
        figures["warehouse_build_s"] = round(time.perf_counter() - started, 1)
        print(f"warehouse, {args.persons} persons: {figures['warehouse_build_s']} s", flush=True)
    from jiuzhu.cli.django_setup import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    if args.db == "postgres":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build_clues(args.clues, args.persons)
    figures["clues_build_s"] = round(time.perf_counter() - started, 1)
    print(f"{args.clues} clues on {args.db}: {figures['clues_build_s']} s", flush=True)
    if args.db == "postgres":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    figures["pages"] = measure(args.repeat, args.persons)
    OUT.mkdir(exist_ok=True)
    (OUT / f"clues-{args.db}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
