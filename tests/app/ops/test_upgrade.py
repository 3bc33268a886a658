"""Upgrade from the release before issue 18 (commit 44b473a, built here with `git archive`): a home and
case database made by it are migrated forward by this release's `jiuzhu init`, and every export equals
what the old release wrote."""

from __future__ import annotations

import csv
import io
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.app.ops.conftest import Home

OLD_RELEASE = "44b473a"
REPO = Path(__file__).parents[3]


@pytest.fixture(scope="module")
def old_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    known = subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{OLD_RELEASE}^{{commit}}"],
                           capture_output=True)
    if known.returncode != 0:
        pytest.skip(f"commit {OLD_RELEASE} is not in this clone's history (shallow clone?)")
    tree = tmp_path_factory.mktemp("release-44b473a")
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", OLD_RELEASE, "jiuzhu"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def exports(home: Home, where: Path) -> dict[str, object]:
    where.mkdir(parents=True, exist_ok=True)
    home.run("persons", "export", "--out", str(where / "persons.csv"))
    home.run("clues", "export", "--format", "csv", "--all", "--out", str(where / "clues.csv"))
    home.run("batches", "--rejections", "--out", str(where / "rejections.csv"))
    # The batch list is for people (its unit and type columns are Chinese since); its facts must be equal.
    rows = list(csv.reader(io.StringIO(home.run("batches").stdout), delimiter="\t"))[1:]
    facts = sorted((r[0], r[3], r[4], *r[5:9], r[9]) for r in rows)  # id, as-of, file, counts, state
    return {"persons": (where / "persons.csv").read_bytes(), "clues": (where / "clues.csv").read_bytes(),
            "rejections": (where / "rejections.csv").read_bytes(), "batches": facts}


def test_home_made_by_44b473a_upgrades_and_exports_match(make_home, old_release: Path, tmp_path: Path):
    new = make_home("upgraded")
    old = Home(new.path, new.database_url, code=old_release)
    old.run("demo", "--no-serve", "--scale", "2000", "--seed", "11")
    before = exports(old, tmp_path / "old")
    assert before["batches"] and before["clues"].count(b"\n") > 5

    upgraded = new.run("init")
    assert "数据仓库已就绪 / warehouse ready: 版本 / schema version 2（由 0 升级 / migrated from 0）" in upgraded.stdout
    after = exports(new, tmp_path / "new")
    assert after == before
    assert "（由" not in new.run("init").stdout  # idempotent: nothing left to migrate
