"""Which case database this home uses, read the way settings.py reads it, without starting Django."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from jiuzhu.cli.errors import CommandError
from jiuzhu.engine.home import jiuzhu_home

SQLITE_NAME = "jiuzhu.sqlite3"
# The SQLite file and its companions: taken through the online backup API, never copied as files.
SQLITE_FILES = (SQLITE_NAME, f"{SQLITE_NAME}-wal", f"{SQLITE_NAME}-shm", f"{SQLITE_NAME}-journal")


@dataclass(frozen=True)
class CaseDatabase:
    kind: str  # "sqlite" or "postgresql"
    sqlite_path: Path | None = None
    url: str = ""  # libpq connection URI (may hold a password: never print it)

    @property
    def label(self) -> str:
        if self.kind == "sqlite":
            return str(self.sqlite_path)
        return "PostgreSQL " + self.url.rsplit("@", 1)[-1]


def case_database(home: Path | None = None) -> CaseDatabase:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            raise CommandError("DATABASE_URL 只支持 postgresql://", "DATABASE_URL must be postgresql://…")
        return CaseDatabase("postgresql", url=url)
    return CaseDatabase("sqlite", sqlite_path=(home or jiuzhu_home()) / SQLITE_NAME)
