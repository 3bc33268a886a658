"""`jiuzhu init` creates or migrates the case database, idempotently, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest


def _init(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jiuzhu.cli.main", "init"], env=env, capture_output=True, text=True, timeout=300
    )


def test_init_sqlite_twice(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"JIUZHU_HOME": str(tmp_path)}
    first, second = _init(env), _init(env)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "数据库已就绪" in second.stdout
    assert (tmp_path / "jiuzhu.sqlite3").exists()


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL run only")
def test_init_postgres_twice(tmp_path):
    import psycopg

    base = os.environ["DATABASE_URL"]
    name = f"jiuzhu_init_{uuid.uuid4().hex[:8]}"
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = dict(os.environ) | {"JIUZHU_HOME": str(tmp_path), "DATABASE_URL": base.rsplit("/", 1)[0] + "/" + name}
        first, second = _init(env), _init(env)
        assert first.returncode == 0, first.stderr
        assert second.returncode == 0, second.stderr
        assert "PostgreSQL" in second.stdout
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            units = conn.execute("select count(*) from accounts_unit").fetchone()[0]
        assert units == 12
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
