"""Fixtures of the intake tests; the file writers are in helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("JIUZHU_HOME", str(h))
    return h
