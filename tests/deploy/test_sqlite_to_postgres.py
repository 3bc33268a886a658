"""deploy/sqlite-to-postgres.sh moves a SQLite demo home's case database into an empty PostgreSQL
database: the audit trail (every entry, to the microsecond, and its hashes) and the clue export are the
same afterwards, and the platform runs on PostgreSQL; a database that is not empty is refused."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.deploy.stack import REPO, pg_base_url

SCRIPT = REPO / "deploy" / "sqlite-to-postgres.sh"
AUDIT = "SELECT seq, at, user_id, username, action, object_type, object_id, prev_hash, hash " \
        "FROM accounts_auditevent ORDER BY seq"


@pytest.fixture
def new_database() -> str:
    name = f"jiuzhu_move_{uuid.uuid4().hex[:8]}"
    admin = pg_base_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_base_url().rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(home: Path, tools: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return env | {"JIUZHU_HOME": str(home), "PYTHONPATH": str(REPO), "JIUZHU_BIN": str(tools / "jiuzhu"),
                  "JIUZHU_PYTHON": sys.executable}


def _jiuzhu(env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return done


def test_move_keeps_the_audit_trail_and_the_clues(tmp_path: Path, new_database: str):
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "jiuzhu").write_text(f'#!/bin/sh\nexec {sys.executable} -m jiuzhu.cli.main "$@"\n')
    (tools / "jiuzhu").chmod(0o755)
    home = tmp_path / "home"
    env = _env(home, tools)
    _jiuzhu(env, "demo", "--no-serve", "--scale", "2000", "--seed", "7")
    moved = subprocess.run(["bash", str(SCRIPT), new_database], env=env, cwd=tmp_path, capture_output=True,
                           text=True, timeout=900)
    assert moved.returncode == 0, moved.stderr
    assert "审计记录完好" in moved.stdout and "已迁入 PostgreSQL" in moved.stdout

    with sqlite3.connect(home / "jiuzhu.sqlite3") as conn:
        before = conn.execute(AUDIT).fetchall()
    with psycopg.connect(new_database) as conn:
        after = conn.execute(AUDIT).fetchall()
    assert len(before) > 50
    # every entry as it was, its time to the microsecond (SQLite keeps text; PostgreSQL a timestamp)
    assert [(*row[:1], row[1].isoformat(sep=" ").replace("+00:00", ""), *row[2:]) for row in after[:len(before)]] \
        == [tuple(row) for row in before]
    assert any(row[1].microsecond % 1000 for row in after)  # times whose last digits JSON would have lost

    on_pg = {**env, "DATABASE_URL": new_database}
    assert _jiuzhu(on_pg, "audit", "verify").stdout.startswith(f"审计记录完好：{len(after)} 条")
    for args in (["clues", "export", "--format", "csv", "--all"], ["persons", "export"]):
        _jiuzhu(env, *args, "--out", str(tmp_path / "sqlite.csv"))
        _jiuzhu(on_pg, *args, "--out", str(tmp_path / "pg.csv"))
        assert (tmp_path / "pg.csv").read_bytes() == (tmp_path / "sqlite.csv").read_bytes()
    # the exports on PostgreSQL appended audit entries: its id sequences continue past the ids loaded
    assert _jiuzhu(on_pg, "audit", "verify").stdout.startswith(f"审计记录完好：{len(after) + 2} 条")

    again = subprocess.run(["bash", str(SCRIPT), new_database], env=env, cwd=tmp_path, capture_output=True,
                           text=True, timeout=900)
    assert again.returncode == 1
    assert "目标数据库不是空的" in again.stderr and "the PostgreSQL database is not empty" in again.stderr
