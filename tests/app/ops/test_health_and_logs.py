"""/healthz (200/503 JSON, no login) and the JSON-lines request log (ids, never an ID number or name)."""

from __future__ import annotations

import json
import logging
import time

import pytest

from jiuzhu.app.jobs import heartbeat
from jiuzhu.app.ops import health
from jiuzhu.app.ops.logs import JsonFormatter, scrub

pytestmark = pytest.mark.django_db

ID_NUMBER = "350425199003078512"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    return tmp_path


def test_healthz_ok_with_a_beating_worker(client, home):
    heartbeat.beat()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "warehouse", "worker", "disk"}
    assert body["checks"]["warehouse"] == {"ok": True, "detail": "尚未导入数据 / nothing imported yet"}
    assert body["checks"]["worker"]["ok"] is True and body["checks"]["worker"]["age_seconds"] < 60
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_503_without_worker_or_disk(client, home, monkeypatch):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "detail": "后台任务进程没有运行 / no worker heartbeat"}
    stale = home / "run" / "worker-heartbeat.json"
    heartbeat.beat()
    stale.write_text(json.dumps({"pid": 1, "at": time.time() - 61}))
    assert client.get("/healthz").json()["checks"]["worker"]["ok"] is False
    heartbeat.beat()
    monkeypatch.setenv("JIUZHU_MIN_FREE_MB", str(10**12))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["disk"]["ok"] is False


def test_healthz_reads_the_warehouse(client, home):
    from jiuzhu.engine.warehouse.store import connect

    with connect(home / "warehouse.duckdb"):
        pass
    heartbeat.beat()
    assert client.get("/healthz").json()["checks"]["warehouse"] == {"ok": True, "batches": 0, "schema_version": 2}


def test_warehouse_is_opened_again_only_when_it_changed(home, monkeypatch):
    from jiuzhu.engine.warehouse.store import connect

    path = home / "warehouse.duckdb"
    with connect(path):
        pass
    opened = []
    counts = health.warehouse_counts

    def counting(*args, **kwargs):
        opened.append(args[0])
        return counts(*args, **kwargs)

    monkeypatch.setattr(health, "warehouse_counts", counting)
    assert health.check_warehouse() == {"ok": True, "batches": 0, "schema_version": 2}
    assert health.check_warehouse() == {"ok": True, "batches": 0, "schema_version": 2}
    assert opened == [path]
    with connect(path) as con:  # an import stores a batch: the file changes, the next probe opens it
        con.execute("INSERT INTO batches (batch_id, unit, source_type, as_of, file_name, file_sha256) "
                    "VALUES ('b1', 'mz', 'household', DATE '2026-01-01', 'f.csv', 'x')")
    assert health.check_warehouse() == {"ok": True, "batches": 1, "schema_version": 2}
    assert opened == [path, path]
    monkeypatch.setattr(health, "WAREHOUSE_RECHECK_SECONDS", 0)  # unchanged but old: checked again
    assert health.check_warehouse() == {"ok": True, "batches": 1, "schema_version": 2}
    assert len(opened) == 3


def test_a_broken_or_old_warehouse_fails_the_probe(client, home):
    from jiuzhu.engine.warehouse.store import connect

    path = home / "warehouse.duckdb"
    with connect(path):
        pass
    heartbeat.beat()
    assert client.get("/healthz").status_code == 200
    with connect(path) as con:  # a file of the release before versions were kept
        con.execute("DROP TABLE schema_version")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["warehouse"] == {
        "ok": False, "batches": 0, "schema_version": 0,
        "detail": "数据仓库版本与程序不符，请运行 jiuzhu init / warehouse schema 0, expected 2"}
    path.write_bytes(path.read_bytes()[:4096].replace(b"DUCK", b"XXXX", 1))  # overwritten
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["warehouse"] == {"ok": False, "detail": "数据仓库文件已损坏 / not a DuckDB file"}
    path.write_bytes(path.read_bytes()[:12].replace(b"XXXX", b"DUCK") + b"\0" * 100)  # the header, no content
    assert client.get("/healthz").json()["checks"]["warehouse"]["ok"] is False


def test_request_line_names_pattern_user_unit_never_the_query(client, alice, caplog):
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger="jiuzhu.request"):
        response = client.get(f"/clues/?q={ID_NUMBER}&name=艾检察官", HTTP_X_REQUEST_ID="req-42")
    assert response["X-Request-ID"] == "req-42"
    (record,) = [r for r in caplog.records if r.name == "jiuzhu.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-42" and line["user_id"] == alice.pk and line["unit"] == "procuratorate"
    assert line["route"] == "clues/" and line["method"] == "GET" and line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)
    text = JsonFormatter().format(record)
    assert ID_NUMBER not in text and "艾检察官" not in text


def test_a_bad_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n{json}")
    assert len(response["X-Request-ID"]) == 32


def test_id_numbers_are_scrubbed_from_messages_and_tracebacks():
    assert scrub(f"no person {ID_NUMBER} found, old 350425900307851, phone 13812345678") == (
        "no person [已隐去] found, old [已隐去], phone [已隐去]")
    assert scrub("case 2025-0001, batch b1234567890ab, 12 rows") == "case 2025-0001, batch b1234567890ab, 12 rows"
    try:
        raise ValueError(f"duplicate key {ID_NUMBER[:17]}X")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, "", 0, "failed", None, exc_info=__import__("sys").exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert ID_NUMBER[:17] not in line["exc"] and "[已隐去]" in line["exc"]


def test_admin_job_list_says_whether_the_worker_beats(client, home):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.jobs.models import Job

    Job.objects.create(kind="screen")
    from jiuzhu.app.accounts.models import Profile, Unit
    from jiuzhu.app.accounts.seed import seed_units

    seed_units()  # only the data administrator enters the admin (accounts/admin_policy.py)
    admin = get_user_model().objects.create_user("ivan", password="correct-horse-9", is_staff=True)
    Profile.objects.create(user=admin, unit=Unit.objects.get(code="procuratorate"), role="data_admin",
                           display_name="伊管理员")
    client.force_login(admin)
    page = client.get("/admin/jobs/job/").content.decode()
    assert "后台任务进程没有运行" in page and "排队 1 个，进行中 0 个" in page
    heartbeat.beat()
    page = client.get("/admin/jobs/job/").content.decode()
    assert "后台任务进程正常" in page and "排队 1 个，进行中 0 个" in page
