"""Shared test set-up. Fixture modules in tests/fixtures/ are loaded as plugins."""

from __future__ import annotations

import os
import pkgutil
import tempfile
from pathlib import Path

import pytest

# For engine-only runs; Django reads JIUZHU_HOME before this file, so `make test` sets it too.
os.environ.setdefault("JIUZHU_HOME", tempfile.mkdtemp(prefix="jiuzhu-test-home-"))

pytest_plugins = [
    f"tests.fixtures.{m.name}" for m in pkgutil.iter_modules([str(Path(__file__).parent / "fixtures")])
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's million rounds cost a second per user; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
