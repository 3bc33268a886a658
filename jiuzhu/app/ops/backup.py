"""`jiuzhu backup` / `jiuzhu restore`: one archive of everything a home keeps.

Archive (tar.gz, optionally sealed by `sealed.py`):
  home/…                 the home's files as they are restored (uploads, reports, secret_key, settings …)
  home/jiuzhu.sqlite3    the SQLite case database, taken with SQLite's online backup API
  home/warehouse.duckdb  the warehouse, copied by DuckDB itself inside one read transaction
  database/postgresql.sql  the PostgreSQL case database (pg_dump, plain SQL), when DATABASE_URL is set
  manifest.json          last member: backup id, time, database kind, sha256 of every other member

Consistency while the server runs and the worker imports: the case database is taken first (one
snapshot), then the warehouse (one read transaction: an import in progress lands whole or not at
all), then the files. Every later part is at least as new as the case database, so nothing the case
database points to is missing. Crash safety: the archive is written under a hidden `.NAME.partial`
and renamed when complete; a restore builds the home beside the target and renames it in one step,
and the PostgreSQL part is one transaction (see `restore`).
"""

from __future__ import annotations

import ctypes
import gzip
import hashlib
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

import psycopg

from jiuzhu.app.ops.database import SQLITE_FILES, SQLITE_NAME, CaseDatabase, case_database
from jiuzhu.app.ops.sealed import OpeningReader, SealingWriter, is_sealed
from jiuzhu.cli.errors import CommandError
from jiuzhu.engine.home import jiuzhu_home

FORMAT = "jiuzhu-backup-1"
WAREHOUSE_NAME = "warehouse.duckdb"
PG_MEMBER = "database/postgresql.sql"
# Not copied as files: the live databases (taken through their own consistent copies) and what is
# rebuilt on its own (collected static files, DuckDB's spill folder, the worker's heartbeat).
SKIP_TOP = {*SQLITE_FILES, WAREHOUSE_NAME, f"{WAREHOUSE_NAME}.wal", f"{WAREHOUSE_NAME}.tmp", "static", "run"}
# A home that only ran a command holds these; a restore may replace them.
FRESH_HOME_LEFTOVERS = {"static", "secret_key"}
RESTORE_MARKER = "jiuzhu_restore_marker"


@dataclass
class BackupSummary:
    path: Path
    backup_id: str
    database: str
    files: int
    bytes: int
    sealed: bool


@dataclass
class Manifest:
    backup_id: str
    created_at: str
    database: str
    files: dict[str, str] = field(default_factory=dict)  # member name → sha256

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, **self.__dict__}, ensure_ascii=False, indent=1).encode("utf-8")


# ---------------------------------------------------------------------------------------- backup

def backup(out: Path, *, key: bytes | None = None) -> BackupSummary:
    """Write the archive to `out` (replaced only when complete)."""
    home = jiuzhu_home()
    out = out.resolve()
    if out.is_relative_to(home):
        raise CommandError("备份文件不能放在 JIUZHU_HOME 之内", f"the archive must be outside JIUZHU_HOME ({home})")
    if not out.parent.is_dir():
        raise CommandError(f"目录不存在：{out.parent}", f"no such folder: {out.parent}")
    db = case_database(home)
    if db.kind == "sqlite" and not db.sqlite_path.exists():
        raise CommandError("这个 JIUZHU_HOME 里还没有数据库，请先运行 jiuzhu init",
                           f"no case database in {home}; run `jiuzhu init` first")
    work = out.parent / f".{out.name}.work"
    partial = out.parent / f".{out.name}.partial"
    shutil.rmtree(work, ignore_errors=True)  # a killed earlier run's leftovers
    work.mkdir()
    manifest = Manifest(uuid.uuid4().hex, datetime.now(ZoneInfo("Asia/Shanghai")).isoformat(timespec="seconds"),
                        db.kind)
    try:
        parts: list[tuple[str, Path]] = []
        if db.kind == "sqlite":
            parts.append((f"home/{SQLITE_NAME}", _sqlite_copy(db.sqlite_path, work / SQLITE_NAME)))
        else:
            parts.append((PG_MEMBER, _pg_dump(db, work / "postgresql.sql")))
        if (home / WAREHOUSE_NAME).exists():
            parts.append((f"home/{WAREHOUSE_NAME}", _warehouse_copy(home / WAREHOUSE_NAME, work / WAREHOUSE_NAME)))
        parts.extend((f"home/{rel}", home / rel) for rel in _home_files(home))
        with open(partial, "wb") as raw:
            sink: BinaryIO = SealingWriter(raw, key) if key else raw
            # gzip level 1: a county's archive is mostly the warehouse, already compressed; time matters more
            with (gzip.GzipFile(filename="", fileobj=sink, mode="wb", compresslevel=1, mtime=0) as packed,
                  tarfile.open(fileobj=packed, mode="w|", format=tarfile.PAX_FORMAT) as tar):
                for name, path in parts:
                    manifest.files[name] = _add_file(tar, name, path)
                _add_bytes(tar, "manifest.json", manifest.to_json())
            if key:
                sink.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out)
        _fsync_dir(out.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return BackupSummary(out, manifest.backup_id, db.kind, len(manifest.files), out.stat().st_size, key is not None)


def _sqlite_copy(src: Path, dst: Path) -> Path:
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=60)
    target = sqlite3.connect(dst)
    try:
        source.backup(target)  # one consistent snapshot, while others keep writing
    finally:
        target.close()
        source.close()
    return dst


def _pg_dump(db: CaseDatabase, dst: Path) -> Path:
    _need_tool("pg_dump")
    done = _run_child(["pg_dump", "--format=plain", "--no-owner", "--no-privileges", "--file", str(dst),
                           "--dbname", db.url])
    if done.returncode != 0:
        raise CommandError("导出 PostgreSQL 数据库失败（pg_dump）", f"pg_dump failed: {done.stderr.strip()[-500:]}")
    return dst


def _warehouse_copy(src: Path, dst: Path) -> Path:
    # here, not at the top: the engine (Splink, pyarrow) loads for a backup's warehouse copy, not for a restore
    from jiuzhu.engine.api import copy_warehouse

    return copy_warehouse(src, dst, wait_seconds=3600)  # an hour: a long import finishes first


def _home_files(home: Path) -> Iterator[str]:
    for root, dirs, files in os.walk(home):
        rel_root = Path(root).relative_to(home)
        if rel_root == Path("."):
            dirs[:] = [d for d in dirs if d not in SKIP_TOP]
            files = [f for f in files if f not in SKIP_TOP]
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                yield str(rel_root / name) if rel_root != Path(".") else name


class _Hashing:
    def __init__(self, fh: BinaryIO) -> None:
        self.fh, self.sha = fh, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> str:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uname = info.gname = ""
    with open(path, "rb") as fh:
        hashing = _Hashing(fh)
        tar.addfile(info, hashing)
    return hashing.sha.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _die_with_parent() -> None:
    # PR_SET_PDEATHSIG: a killed backup or restore takes its pg_dump/psql with it, so a restore's
    # transaction is rolled back rather than committed behind a rerun's back.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def _run_child(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, preexec_fn=_die_with_parent)  # noqa: PLW1509


def _need_tool(name: str) -> None:
    if shutil.which(name) is None:
        raise CommandError(f"找不到 {name}：请安装 postgresql-client（apt-get install postgresql-client）",
                           f"{name} not found: install postgresql-client")


# --------------------------------------------------------------------------------------- restore

@dataclass
class RestoreSummary:
    home: Path
    backup_id: str
    created_at: str
    database: str
    files: int


def restore(archive: Path, *, key: bytes | None = None) -> RestoreSummary:
    """Restore into an empty home and database; a killed restore leaves both as they were (or, for
    PostgreSQL, the database restored and marked as ours, which the rerun recognises and finishes)."""
    home = Path(os.environ.get("JIUZHU_HOME", "var")).resolve()  # not jiuzhu_home(): it would create it
    db = case_database(home)
    if not archive.is_file():
        raise CommandError(f"找不到备份文件：{archive}", f"no such archive: {archive}")
    sealed = is_sealed(archive)
    if sealed and key is None:
        raise CommandError(
            "这个备份是加密的，请用 --key-file 指定密钥文件", "the archive is encrypted: pass --key-file"
        )
    if key is not None and not sealed:
        raise CommandError("这个备份没有加密，不需要 --key-file", "the archive is not encrypted: drop --key-file")
    marker = _pg_marker(db) if db.kind == "postgresql" else None
    blocking, leftovers = _home_leftovers(home)
    if blocking and not (marker and _restored_from(home) == marker):
        raise CommandError(f"JIUZHU_HOME 不是空的（{home}，有 {', '.join(blocking[:5])}）：只能恢复到空的目录",
                           f"JIUZHU_HOME is not empty ({home}): restore only into an empty home")
    if db.kind == "postgresql" and marker is None and not _pg_empty(db):
        raise CommandError(f"目标数据库不是空的（{db.label}）：只能恢复到空的数据库",
                           f"the database is not empty ({db.label}): restore only into an empty database")

    stage = home.parent / f".{home.name}.restoring"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        manifest = _extract(archive, key, stage)
        if manifest["database"] != db.kind:
            raise CommandError(
                f"备份里的数据库是 {manifest['database']}，这里用的是 {db.kind}：换数据库请按 docs/deploy.md 迁移",
                f"the archive holds a {manifest['database']} database but this home uses {db.kind}; "
                "see docs/deploy.md to move between them")
        backup_id = manifest["backup_id"]
        if marker not in (None, backup_id):
            raise CommandError("目标数据库里有另一次未完成的恢复", "the database holds another, unfinished restore")
        (stage / "home" / "restored-from.json").write_text(
            json.dumps({"backup_id": backup_id, "created_at": manifest["created_at"]}) + "\n", encoding="utf-8")
        if db.kind == "postgresql" and marker is None:
            _pg_load(db, stage / PG_MEMBER, backup_id)  # one transaction, the marker inside it
        if not _restored_from(home):
            for name in leftovers:
                target = home / name
                shutil.rmtree(target) if target.is_dir() else target.unlink()
            if home.exists():
                home.rmdir()
            home.parent.mkdir(parents=True, exist_ok=True)
            os.rename(stage / "home", home)  # the home appears whole, in one step
            _fsync_dir(home.parent)
        if db.kind == "postgresql":
            _pg_drop_marker(db)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return RestoreSummary(home, backup_id, manifest["created_at"], db.kind, len(manifest["files"]))


def _home_leftovers(home: Path) -> tuple[list[str], list[str]]:
    """(what makes the home non-empty, what a fresh home holds from merely running a command)."""
    names = sorted(p.name for p in home.iterdir()) if home.exists() else []
    static = home / "static"
    static_empty = not static.is_dir() or not any(static.iterdir())
    blocking = [n for n in names if n not in FRESH_HOME_LEFTOVERS or (n == "static" and not static_empty)]
    return blocking, [n for n in names if n not in blocking]


def _restored_from(home: Path) -> str | None:
    try:
        return json.loads((home / "restored-from.json").read_text(encoding="utf-8"))["backup_id"]
    except (OSError, ValueError, KeyError):
        return None


def _extract(archive: Path, key: bytes | None, stage: Path) -> dict:
    digests: dict[str, str] = {}
    manifest: dict | None = None
    with open(archive, "rb") as raw:
        source: BinaryIO = OpeningReader(raw, key) if key else raw
        try:
            with gzip.GzipFile(fileobj=source, mode="rb") as packed, tarfile.open(fileobj=packed, mode="r|") as tar:
                for info in tar:
                    if info.name == "manifest.json":
                        manifest = json.loads(tar.extractfile(info).read())
                        continue
                    if not (info.isfile() and (info.name.startswith("home/") or info.name == PG_MEMBER)):
                        raise _not_ours(f"unexpected member {info.name}")
                    tar.extract(info, stage, filter="data")
                    digests[info.name] = _sha256(stage / info.name)
        except (tarfile.TarError, EOFError, OSError, ValueError, gzip.BadGzipFile) as err:
            raise _not_ours(str(err)) from None
    if manifest is None or manifest.get("format") != FORMAT:
        raise _not_ours("no manifest (the archive is cut short or is not a jiuzhu backup)")
    if digests != manifest["files"]:
        bad = sorted(set(digests.items()) ^ set(manifest["files"].items()))
        raise _not_ours(f"members differ from the manifest: {bad[0][0]}")
    (stage / "home").mkdir(exist_ok=True)
    (stage / "home").chmod(0o700)  # personal data: the home is its owner's alone
    return manifest


def _not_ours(why: str) -> CommandError:
    return CommandError(
        "备份文件不完整或已损坏，没有恢复任何内容", f"the archive is incomplete or damaged ({why}); nothing restored"
    )


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _pg(db: CaseDatabase):
    return psycopg.connect(db.url, autocommit=True)


def _pg_empty(db: CaseDatabase) -> bool:
    with _pg(db) as conn:
        return conn.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = 'public'").fetchone()[0] == 0


def _pg_marker(db: CaseDatabase) -> str | None:
    with _pg(db) as conn:
        if conn.execute("SELECT to_regclass(%s)", [f"public.{RESTORE_MARKER}"]).fetchone()[0] is None:
            return None
        row = conn.execute(f"SELECT backup_id FROM public.{RESTORE_MARKER}").fetchone()
        return row[0] if row else None


def _pg_load(db: CaseDatabase, dump: Path, backup_id: str) -> None:
    _need_tool("psql")
    mark = (f"CREATE TABLE public.{RESTORE_MARKER} (backup_id text); "
            f"INSERT INTO public.{RESTORE_MARKER} VALUES ('{backup_id}');")
    done = _run_child(["psql", "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--dbname", db.url,
                       "-f", str(dump), "-c", mark])
    if done.returncode != 0:
        raise CommandError("恢复 PostgreSQL 数据库失败，数据库保持原样（空）",
                           f"psql failed; the database is left as it was: {done.stderr.strip()[-500:]}")


def _pg_drop_marker(db: CaseDatabase) -> None:
    with _pg(db) as conn:
        conn.execute(f"DROP TABLE IF EXISTS public.{RESTORE_MARKER}")
