"""`/healthz` for the proxy and monitoring: the database, the warehouse, the background worker's heartbeat
(jobs/heartbeat.py) and the free disk. The checks name no person: states, ages and sizes only.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

from django.db import connection

from jiuzhu.app.jobs.heartbeat import check_worker
from jiuzhu.engine.api import (
    WAREHOUSE_SCHEMA_VERSION,
    WarehouseBusy,
    warehouse_counts,
    warehouse_is_duckdb,
    warehouse_version,
)
from jiuzhu.engine.home import jiuzhu_home, warehouse_path

DEFAULT_MIN_FREE_MB = 500


def check_database() -> dict:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as err:  # any failure to reach it is the answer
        return {"ok": False, "vendor": connection.vendor, "detail": type(err).__name__}
    return {"ok": True, "vendor": connection.vendor}


# The file's first bytes are read on every call (`warehouse_is_duckdb`): they tell a file overwritten or
# truncated since the last full check at once.
# Opening the warehouse costs about 200 ms, too much for a probe the proxy and monitoring call every few
# seconds: a full check's answer is kept while the file (and its write-ahead log) is unchanged, and is
# renewed at least this often all the same.
WAREHOUSE_RECHECK_SECONDS = 60
_warehouse_seen: dict = {}  # {"signature": …, "at": monotonic time, "result": …}; one per process
_warehouse_lock = threading.Lock()


WAREHOUSE_BUSY = {"ok": True, "detail": "正在导入 / an import is writing"}


def _open_and_count(path: Path) -> dict:
    try:
        batches, version = warehouse_counts(path, wait_seconds=0)  # a writer holds it: say so, do not wait
    except WarehouseBusy:
        return dict(WAREHOUSE_BUSY)
    except Exception as err:
        return {"ok": False, "detail": type(err).__name__}
    if version != WAREHOUSE_SCHEMA_VERSION:
        return {"ok": False, "batches": batches, "schema_version": version,
                "detail": f"数据仓库版本与程序不符，请运行 jiuzhu init / warehouse schema {version}, "
                          f"expected {WAREHOUSE_SCHEMA_VERSION}"}
    return {"ok": True, "batches": batches, "schema_version": version}


def check_warehouse() -> dict:
    path = warehouse_path()
    try:
        whole = warehouse_is_duckdb(path)
        signature = warehouse_version(path)
    except FileNotFoundError:
        return {"ok": True, "detail": "尚未导入数据 / nothing imported yet"}
    except OSError as err:
        return {"ok": False, "detail": type(err).__name__}
    if not whole:
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
