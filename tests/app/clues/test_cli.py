"""`jiuzhu ingest` → `jiuzhu screen` → `jiuzhu clues export` on the small synthetic county."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.utils import timezone

from jiuzhu.app.clues.models import Clue, ScreeningRun
from jiuzhu.cli.main import main
from tests.engine.screening.truth import truth_pairs

pytestmark = pytest.mark.django_db


def test_screen_and_export_from_the_command_line(small_county: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    assert main(["screen"]) == 1  # nothing imported yet
    assert "请先运行 jiuzhu ingest" in capsys.readouterr().err
    files = [str(p) for p in sorted(small_county.iterdir()) if p.is_file()]
    assert main(["ingest", "--as-of", "2025-10-31", *files]) == 0
    capsys.readouterr()

    stages = tmp_path / "stages.log"
    monkeypatch.setenv("JIUZHU_LINK_STAGES", str(stages))
    assert main(["screen", "--as-of", "2025-10-31"]) == 0
    out = capsys.readouterr().out
    run = ScreeningRun.objects.get()
    # every part of the command around the linkage has its line in the stage log, storing the clues last
    parts = [line.split(" wall_s=")[0] for line in stages.read_text(encoding="utf-8").splitlines()
             if line.startswith("part=")]
    assert parts == ["part=inputs digest", "part=person search", "part=screening state: rows", "part=rules",
                     "part=screening state: commit", "part=store clues"]
    monkeypatch.delenv("JIUZHU_LINK_STAGES")
    for code, n in run.counts.items():
        assert code in out
        assert Clue.objects.filter(rule=code).count() == n
    assert f"新增 {Clue.objects.count()}，更新 0，事实消失 0" in out
    day = f"{timezone.localtime(run.started_at):%Y-%m-%d}"  # rule versions as the clue page shows them
    assert out.count(day) == len(run.counts) and "v1-" not in out
    # Linkage is real here, so the pairs are checked loosely; bench/screening.py has the figures.
    found = set(Clue.objects.values_list("rule", "person_id_number"))
    expected = truth_pairs(small_county / "truth")
    assert len(found & expected) >= 0.9 * len(expected)
    assert len(found - expected) <= 0.03 * len(found)

    assert main(["screen", "--as-of", "2025-10-31", "--no-link"]) == 0
    assert "新增 0，更新 0，事实消失 0" in capsys.readouterr().out  # the same files: every clue found, none changed

    out_csv = tmp_path / "clues.csv"
    assert main(["clues", "export", "--format", "csv", "--out", str(out_csv)]) == 0
    with open(out_csv, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == Clue.objects.count()
    assert list(rows[0]) == ["clue_id", "rule", "person_name", "person_id_number", "priority", "tags",
                             "target_unit", "reason", "records"]
    top = Clue.objects.order_by("-priority", "id").first()
    assert rows[0]["clue_id"] == str(top.pk) and rows[0]["reason"] == top.reason
    assert all(len(ref.split(":")) == 3 for ref in rows[0]["records"].split(";"))

    from jiuzhu.app.accounts.models import AuditEvent

    event = AuditEvent.objects.get(action="export", object_type="clues.clue")
    assert event.detail == {"format": "csv", "file": "clues.csv", "rows": len(rows), "all": False}


def test_every_clue_of_a_screened_county_reaches_its_units_and_no_other_partner(small_county: Path, tmp_path: Path,
                                                                                monkeypatch, capsys, units):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile, Unit
    from jiuzhu.app.clues.access import clues_for

    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    files = [str(p) for p in sorted(small_county.iterdir()) if p.is_file()]
    assert main(["ingest", "--as-of", "2025-10-31", *files]) == 0
    assert main(["screen", "--as-of", "2025-10-31"]) == 0
    capsys.readouterr()
    User = get_user_model()
    liaison = {}
    for unit in Unit.objects.all():
        role = "dept_head" if unit.is_procuratorate else "liaison"
        user = User.objects.create_user(f"u-{unit.code}", password="x")
        Profile.objects.create(user=user, unit=unit, role=role, display_name=unit.name)
        liaison[unit.code] = user
    seen = {code: set(clues_for(user).values_list("pk", flat=True)) for code, user in liaison.items()}
    everything = set(Clue.objects.values_list("pk", flat=True))
    assert seen["procuratorate"] == everything  # the leaders see every clue
    by_unit: dict[str, set[int]] = {}
    for pk, target, second in Clue.objects.values_list("pk", "target_unit", "second_unit"):
        for code in {target, second} - {""}:
            by_unit.setdefault(code, set()).add(pk)
    assert {"civil_affairs", "rural_revitalization"} <= set(by_unit)  # MZ-01/02 and FP-01 found
    assert Clue.objects.filter(rule="FP-01").exclude(second_unit="procuratorate").count() == 0
    for code in liaison:
        if code != "procuratorate":
            assert seen[code] == by_unit.get(code, set()), code  # its own clues, no other partner's
    # the search table was built by the linkage: a clue's person is found by full ID and by name
    from jiuzhu.engine.api import search_persons

    clue = Clue.objects.exclude(person_id_number="").first()
    assert [h.person_key for h in search_persons(clue.person_id_number)] == [clue.person_key]
    assert clue.person_key in [h.person_key for h in search_persons(clue.person_name, limit=500)]
