"""`/healthz` for the proxy and monitoring, and the background worker's heartbeat.

The worker (`jiuzhu worker`) rewrites `JIUZHU_HOME/run/worker-heartbeat.json` every
HEARTBEAT_SECONDS from a thread of its own, so a long import or screening does not look like a
dead worker. The checks name no person: states, ages and sizes only.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

from jiuzhu.engine.home import jiuzhu_home, warehouse_path
from jiuzhu.engine.warehouse.schema import SCHEMA_VERSION
from jiuzhu.engine.warehouse.store import WarehouseBusy, connect, file_version

HEARTBEAT_SECONDS = 10
HEARTBEAT_STALE_SECONDS = 60
DEFAULT_MIN_FREE_MB = 500


def heartbeat_path() -> Path:
    return jiuzhu_home() / "run" / "worker-heartbeat.json"


def beat(path: Path | None = None) -> None:
    path = path or heartbeat_path()
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "at": time.time()}),
                   encoding="utf-8")
    os.replace(tmp, path)


def start_heartbeat() -> threading.Event:
    """Beat now and every HEARTBEAT_SECONDS until the returned event is set."""
    stop = threading.Event()
    path = heartbeat_path()

    def loop() -> None:
        while True:
            with contextlib.suppress(OSError):  # a full disk shows in /healthz's disk check
                beat(path)
            if stop.wait(HEARTBEAT_SECONDS):
                return

    threading.Thread(target=loop, name="worker-heartbeat", daemon=True).start()
    return stop


def check_worker() -> dict:
    try:
        seen = json.loads(heartbeat_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"ok": False, "detail": "后台任务进程没有运行 / no worker heartbeat"}
    age = round(time.time() - float(seen.get("at", 0)), 1)
    ok = age <= HEARTBEAT_STALE_SECONDS
    return {"ok": ok, "age_seconds": age, "pid": seen.get("pid"),
            **({} if ok else {"detail": "后台任务进程已停止 / the worker's heartbeat is stale"})}


def check_database() -> dict:
    from django.db import connection

    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as err:  # any failure to reach it is the answer
        return {"ok": False, "vendor": connection.vendor, "detail": type(err).__name__}
    return {"ok": True, "vendor": connection.vendor}


# A DuckDB file starts with an 8-byte checksum and then this magic; read on every call, it tells a file
# overwritten or truncated since the last full check at once.
DUCKDB_MAGIC = b"DUCK"
# Opening the warehouse costs about 200 ms, too much for a probe the proxy and monitoring call every few
# seconds: a full check's answer is kept while the file (and its write-ahead log) is unchanged, and is
# renewed at least this often all the same.
WAREHOUSE_RECHECK_SECONDS = 60
_warehouse_seen: dict = {}  # {"signature": …, "at": monotonic time, "result": …}; one per process
_warehouse_lock = threading.Lock()


WAREHOUSE_BUSY = {"ok": True, "detail": "正在导入 / an import is writing"}


def _open_and_count(path: Path) -> dict:
    try:
        with connect(path, read_only=True, wait_seconds=0) as con:  # a writer holds it: say so, do not wait
            batches = con.execute("SELECT count(*) FROM batches").fetchone()[0]
            versioned = con.execute("SELECT count(*) FROM information_schema.tables "
                                    "WHERE table_name = 'schema_version'").fetchone()[0]
            version = con.execute("SELECT max(version) FROM schema_version").fetchone()[0] if versioned else 0
    except WarehouseBusy:
        return dict(WAREHOUSE_BUSY)
    except Exception as err:
        return {"ok": False, "detail": type(err).__name__}
    if (version or 0) != SCHEMA_VERSION:
        return {"ok": False, "batches": batches, "schema_version": version or 0,
                "detail": f"数据仓库版本与程序不符，请运行 jiuzhu init / warehouse schema {version or 0}, "
                          f"expected {SCHEMA_VERSION}"}
    return {"ok": True, "batches": batches, "schema_version": version}


def check_warehouse() -> dict:
    path = warehouse_path()
    try:
        with path.open("rb") as f:
            magic = f.read(12)[8:]
        signature = file_version(path)
    except FileNotFoundError:
        return {"ok": True, "detail": "尚未导入数据 / nothing imported yet"}
    except OSError as err:
        return {"ok": False, "detail": type(err).__name__}
    if magic != DUCKDB_MAGIC:
        return {"ok": False, "detail": "数据仓库文件已损坏 / not a DuckDB file"}
    with _warehouse_lock:  # one full check at a time per process; the others reuse its answer
        seen = _warehouse_seen
        fresh = time.monotonic() - seen.get("at", float("-inf")) < WAREHOUSE_RECHECK_SECONDS
        if seen.get("signature") == signature and fresh:
            return seen["result"]
        result = _open_and_count(path)
        if result != WAREHOUSE_BUSY:  # busy: look again next time
            seen.update(signature=signature, at=time.monotonic(), result=result)
        return result


def check_disk() -> dict:
    need = int(os.environ.get("JIUZHU_MIN_FREE_MB", DEFAULT_MIN_FREE_MB))
    free = shutil.disk_usage(jiuzhu_home()).free // (1 << 20)
    return {"ok": free >= need, "free_mb": free, "min_free_mb": need}


def health() -> tuple[bool, dict]:
    checks = {"database": check_database(), "warehouse": check_warehouse(), "worker": check_worker(),
              "disk": check_disk()}
    return all(c["ok"] for c in checks.values()), checks
