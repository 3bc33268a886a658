"""Homes made through the command line, in subprocesses, each with its own case database.

A `Home` runs `python -m jiuzhu.cli.main …` with its JIUZHU_HOME and, on the PostgreSQL run
(DATABASE_URL set), a PostgreSQL database of its own that the fixture drops afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fixtures.county import make_county

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
TINY_COUNTY_RESIDENTS = 2_000


@dataclass
class Home:
    path: Path
    database_url: str = ""
    extra_env: dict = field(default_factory=dict)
    code: Path = Path(__file__).parents[3]  # the source tree that runs (`python -m` puts the cwd first)

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env |= {"JIUZHU_HOME": str(self.path), "PYTHONPATH": str(self.code)} | self.extra_env
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "jiuzhu.cli.main", *args], env=self.env, cwd=self.code,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", *args], env=self.env, cwd=self.code,
                              capture_output=True, text=True, timeout=600)
        if ok:
            assert done.returncode == 0, f"jiuzhu {' '.join(args)}: {done.stderr}"
        return done


def _admin_url() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"


@pytest.fixture
def make_home(tmp_path: Path) -> Iterator:
    """`make_home("name")` → a Home in tmp_path/name with an empty database of its own."""
    made: list[str] = []

    def make(name: str) -> Home:
        if not ON_POSTGRES:
            return Home(tmp_path / name)
        import psycopg

        db = f"jiuzhu_ops_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(_admin_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        made.append(db)
        return Home(tmp_path / name, os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + db)

    yield make
    if made:
        import psycopg

        with psycopg.connect(_admin_url(), autocommit=True) as conn:
            for db in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture(scope="session")
def tiny_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_county(tmp_path_factory.mktemp("tiny_county") / "county", residents=TINY_COUNTY_RESIDENTS)
