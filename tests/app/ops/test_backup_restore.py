"""`jiuzhu backup` / `jiuzhu restore` (issue 18): a demo county backed up while a file imports,
restored into a fresh home and database, every export equal; refusals; kill -9 at any point."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import psycopg
import pytest

from tests.app.ops.conftest import ON_POSTGRES, Home

DEMO = ("demo", "--no-serve", "--scale", "2000", "--seed", "7")


def exports(home: Home, where: Path) -> dict[str, str]:
    where.mkdir(parents=True, exist_ok=True)
    home.run("persons", "export", "--out", str(where / "persons.csv"))
    home.run("clues", "export", "--format", "csv", "--all", "--out", str(where / "clues.csv"))
    return {"persons": (where / "persons.csv").read_text(encoding="utf-8"),
            "clues": (where / "clues.csv").read_text(encoding="utf-8"),
            "batches": home.run("batches").stdout}


def audit_rows(home: Home) -> list[tuple]:
    query = "SELECT id, username, action, object_type, object_id FROM accounts_auditevent ORDER BY id"
    if home.database_url:
        with psycopg.connect(home.database_url) as conn:
            return conn.execute(query).fetchall()
    with sqlite3.connect(home.path / "jiuzhu.sqlite3") as conn:
        return conn.execute(query).fetchall()


def has_command(name: str) -> bool:
    from jiuzhu.cli.main import build_parser

    return name in build_parser()._subparsers._group_actions[0].choices


def test_backup_while_a_file_imports_then_restore_equal(make_home, tiny_county: Path, tmp_path: Path):
    source = make_home("source")
    source.run(*DEMO)
    household = next(tiny_county.glob("*户籍人口*"))
    importing = source.popen("ingest", "--as-of", "2026-01-31", str(household))
    archive = tmp_path / "county.tar.gz"
    backed = source.run("backup", "--out", str(archive))
    assert importing.wait(timeout=600) == 0, importing.stderr.read()
    assert "已备份" in backed.stdout and archive.exists()
    assert not any(p.name.startswith(".county") for p in tmp_path.iterdir())  # no partial, no scratch

    target = make_home("target")
    restored = target.run("restore", str(archive))
    assert "已恢复" in restored.stdout
    target.run("init")  # the release is the same: nothing to migrate, and nothing changes
    mine, theirs = exports(target, tmp_path / "target-out"), exports(source, tmp_path / "source-out")
    assert mine["persons"] == theirs["persons"] and mine["persons"].count("\n") > 100
    assert mine["clues"] == theirs["clues"] and mine["clues"].count("\n") > 5
    # The import ran beside the backup: its batch is in the archive whole or not at all.
    new_line = next(line for line in theirs["batches"].splitlines() if household.name in line)
    assert mine["batches"] in (theirs["batches"], theirs["batches"].replace(new_line + "\n", ""))
    # The audit trail up to the backup (its own entry included) is the source's, entry for entry.
    mine_audit, theirs_audit = audit_rows(target), audit_rows(source)
    assert mine_audit == theirs_audit[: len(mine_audit)]
    assert ("export", "jiuzhu.backup") in [row[2:4] for row in mine_audit]
    if has_command("audit"):
        assert target.run("audit", "verify").returncode == 0
    assert (target.path / "secret_key").read_text() == (source.path / "secret_key").read_text()
    assert sorted(p.name for p in (target.path / "demo-county").iterdir()) == sorted(
        p.name for p in (source.path / "demo-county").iterdir())


def test_encrypted_backup_needs_its_key(make_home, tmp_path: Path):
    source = make_home("source")
    source.run("init")
    key, archive = tmp_path / "backup.key", tmp_path / "b.tar.gz.enc"
    source.run("backup", "--new-key", str(key), "--out", str(archive))
    assert archive.read_bytes().startswith(b"JIUZHU-BACKUP-AESGCM-1\n")
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    target = make_home("target")
    assert "加密" in target.run("restore", str(archive), ok=False).stderr
    other = tmp_path / "other.key"
    source.run("backup", "--new-key", str(other))
    wrong = target.run("restore", str(archive), "--key-file", str(other), ok=False)
    assert wrong.returncode == 1 and "无法解密" in wrong.stderr
    assert not target.path.exists() or not any(target.path.iterdir())
    target.run("restore", str(archive), "--key-file", str(key))
    assert (target.path / "restored-from.json").exists()


def test_restore_refuses_a_home_or_database_in_use(make_home, tmp_path: Path):
    source = make_home("source")
    source.run("init")
    archive = tmp_path / "b.tar.gz"
    source.run("backup", "--out", str(archive))
    refused = source.run("restore", str(archive), ok=False)
    assert refused.returncode == 1
    assert "只能恢复到空的" in refused.stderr and "restore only into an empty" in refused.stderr
    if ON_POSTGRES:  # an empty home but a database that holds tables
        elsewhere = Home(tmp_path / "empty-home", source.database_url)
        refused = elsewhere.run("restore", str(archive), ok=False)
        assert "目标数据库不是空的" in refused.stderr
        assert not (tmp_path / "empty-home").exists()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = make_home("target")
    damaged = target.run("restore", str(cut), ok=False)
    assert damaged.returncode == 1 and "不完整或已损坏" in damaged.stderr
    assert not target.path.exists()
    assert not (tmp_path / ".target.restoring").exists()
    inside = source.run("backup", "--out", str(source.path / "b.tar.gz"), ok=False)
    assert "不能放在 JIUZHU_HOME 之内" in inside.stderr


def _kill_when(proc, appears: Path) -> bool:
    """kill -9 `proc` as soon as `appears` exists; False when it finished first."""
    while proc.poll() is None:
        if appears.exists():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    return False


def test_kill_9_during_backup_and_restore_then_rerun(make_home, tiny_county: Path, tmp_path: Path):
    source = make_home("source")
    source.run("init")
    source.run("ingest", *[str(p) for p in sorted(tiny_county.iterdir()) if p.is_file()])
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"the previous backup")
    assert _kill_when(source.popen("backup", "--out", str(archive)), tmp_path / ".b.tar.gz.partial")
    assert archive.read_bytes() == b"the previous backup"  # the last good archive is untouched
    source.run("backup", "--out", str(archive))
    assert not (tmp_path / ".b.tar.gz.partial").exists() and not (tmp_path / ".b.tar.gz.work").exists()

    target = make_home("target")
    stage = tmp_path / ".target.restoring"
    assert _kill_when(target.popen("restore", str(archive)), stage / "home")
    assert not target.path.exists() or not any(target.path.iterdir())  # nothing half-restored
    if ON_POSTGRES:
        time.sleep(0.5)  # psql dies with its parent; its transaction rolls back
    target.run("restore", str(archive))
    assert not stage.exists()
    assert target.run("batches").stdout == source.run("batches").stdout


def _target_backends(home: Home) -> list[tuple[str, str]]:
    """(state, query) of every other session on `home`'s database."""
    db = home.database_url.rsplit("/", 1)[1]
    with psycopg.connect(home.database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        return conn.execute("SELECT state, query FROM pg_stat_activity WHERE datname = %s "
                            "AND pid <> pg_backend_pid()", [db]).fetchall()


@pytest.mark.skipif(not ON_POSTGRES, reason="psql loads a PostgreSQL case database")
def test_kill_9_while_psql_loads_the_database_then_rerun(make_home, tiny_county: Path, tmp_path: Path):
    """A psql that, after the dump and the restore marker, waits inside its one transaction (a wrapper
    first on PATH): kill -9 of the restore there leaves the database empty and no home; a rerun restores."""
    source = make_home("source")
    source.run("init")
    source.run("ingest", *[str(p) for p in sorted(tiny_county.iterdir()) if p.is_file()])
    archive = tmp_path / "b.tar.gz"
    source.run("backup", "--out", str(archive))
    tools = tmp_path / "tools"
    tools.mkdir()
    # the server checks every 0.1 s whether the client is still there (pg_sleep alone would not notice)
    (tools / "psql").write_text(f'#!/bin/sh\nexec {shutil.which("psql")} "$@" '
                                '-c "SET client_connection_check_interval = 100" -c "SELECT pg_sleep(600)"\n')
    (tools / "psql").chmod(0o755)

    target = make_home("target")
    waiting = Home(target.path, target.database_url, {"PATH": f"{tools}:{os.environ['PATH']}"})
    proc = waiting.popen("restore", str(archive))
    deadline = time.monotonic() + 300
    while not any(state == "active" and "pg_sleep" in query for state, query in _target_backends(target)):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 60
    while _target_backends(target):  # psql dies with its parent; the server rolls its transaction back
        assert time.monotonic() < deadline
        time.sleep(0.1)
    with psycopg.connect(target.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
    assert not target.path.exists() or not any(target.path.iterdir())

    restored = target.run("restore", str(archive))
    assert "已恢复" in restored.stdout
    assert target.run("batches").stdout == source.run("batches").stdout
    mine = audit_rows(target)
    assert mine == audit_rows(source)[: len(mine)] and ("export", "jiuzhu.backup") in [r[2:4] for r in mine]
