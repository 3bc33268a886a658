"""deploy/backup-rotate.sh keeps the newest N nightly archives and the first of each of the last M months."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "deploy" / "backup-rotate.sh"


def test_rotation_keeps_recent_nights_and_first_of_each_month(tmp_path: Path):
    for day in ("20260101", "20260115", "20260201", "20260301", "20260302", "20260303", "20260304"):
        (tmp_path / f"jiuzhu-{day}-013000.tar.gz").write_bytes(b"x")
    fake = tmp_path / "fake-jiuzhu"
    fake.write_text('#!/bin/sh\n[ "$1" = backup ] && [ "$2" = --out ] && : > "$3"\n')
    fake.chmod(0o755)
    env = os.environ | {"JIUZHU_BIN": str(fake), "JIUZHU_BACKUP_DIR": str(tmp_path),
                        "JIUZHU_BACKUP_KEEP_DAILY": "3", "JIUZHU_BACKUP_KEEP_MONTHLY": "3"}
    subprocess.run(["bash", str(SCRIPT)], env=env, check=True)
    kept = sorted(p.name[7:15] for p in tmp_path.glob("jiuzhu-*"))
    today = kept[-1]
    assert today not in ("20260304",) and len(today) == 8  # the archive just made
    # months kept: 2026-02, 2026-03 and this month (first of each), plus the newest three
    assert kept == sorted({"20260201", "20260301", "20260303", "20260304", today})
