"""Where the embedded default keeps its files (``JIUZHU_HOME``, default ``./var``)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def jiuzhu_home() -> Path:
    home = Path(os.environ.get("JIUZHU_HOME", "var")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def warehouse_path() -> Path:
    return jiuzhu_home() / "warehouse.duckdb"


def owner_only(home: Path | None = None) -> int:
    """Make every file in the home readable by its owner only (0600, folders 0700), as the platform writes
    them (umask 077): a home whose files others may read (0644, say) is tightened. Returns how many modes
    were changed."""
    home = home or jiuzhu_home()
    changed = 0
    for path in [home, *home.rglob("*")]:
        if path.is_symlink():
            continue
        want = 0o700 if path.is_dir() else 0o600
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(mode & ~0o077 | (want & 0o700))
                changed += 1
        except OSError:  # gone meanwhile (a worker's temporary file), or not ours to change
            continue
    return changed
