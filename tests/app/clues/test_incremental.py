"""`jiuzhu screen` over a sequence of snapshots of one registry (the small county's 低保边缘 file): after
each run, a full run (`--full`) changes nothing — the same persons export, the same clues with the same
keys, states and contents, 新增 0，更新 0，事实消失 0 — and the linkage was kept exactly when no record
it reads changed (docs/scale.md "Incremental runs")."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from jiuzhu.app.clues.models import Clue, ScreeningRun
from jiuzhu.cli.main import main
from jiuzhu.engine.identity.idcard import birth_date, make_id, parse_id

pytestmark = pytest.mark.django_db

KEPT = "沿用上次关联结果"
DELTA = "沿用其比对特征重新关联"
REDERIVED = "重新推导比对特征，只改写变动的人员"
NOTHING = "新增 0，更新 0，事实消失 0"


def _plain(header: str) -> str:
    return re.sub(r"\s", "", header)


def _edge_file(folder: Path) -> Path:
    [path] = [p for p in folder.iterdir() if "低保边缘" in p.name]
    return path


def _persons(tmp_path: Path) -> str:
    out = tmp_path / "persons.csv"
    assert main(["persons", "export", "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def _clues() -> list[tuple]:
    return sorted((c.key, c.state, c.facts_current, c.person_key, c.priority, c.reason, c.target_unit,
                   repr(c.records), repr(sorted(c.facts.items())), repr(c.tags))
                  for c in Clue.objects.all())


def _screen(capsys, *args: str) -> str:
    assert main(["screen", *args]) == 0
    return capsys.readouterr().out


def _same_as_full(tmp_path: Path, capsys, as_of: str) -> None:
    """What the run before left is what a full run gives."""
    persons, clues = _persons(tmp_path), _clues()
    out = _screen(capsys, "--as-of", as_of, "--full")
    assert NOTHING in out and KEPT not in out
    assert _persons(tmp_path) == persons and _clues() == clues


def test_snapshots_of_one_registry_give_what_a_full_run_gives(small_county: Path, tmp_path: Path, monkeypatch,
                                                               capsys):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    files = [str(p) for p in sorted(small_county.iterdir()) if p.is_file()]
    assert main(["ingest", "--as-of", "2025-10-31", *files]) == 0
    first = _screen(capsys, "--as-of", "2025-10-31")
    assert KEPT not in first
    opened = Clue.objects.filter(facts_current=True).count()
    assert opened > 100

    again = _screen(capsys, "--as-of", "2025-10-31")  # nothing changed: linkage kept, every clue found again
    assert KEPT in again and NOTHING in again
    _same_as_full(tmp_path, capsys, "2025-10-31")

    later = _screen(capsys, "--as-of", "2025-11-30")  # another as-of date: same records, linkage kept
    assert KEPT in later
    _same_as_full(tmp_path, capsys, "2025-11-30")

    # December's 低保边缘 file: rows gone (some of them made clues), a corrected ID, a corrected name on a
    # row without a valid ID, and new rows (members of other 户 in the registry, with their IDs).
    source = _edge_file(small_county)
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    at = next(i for i, r in enumerate(rows) if any(_plain(h) in ("姓名", "成员姓名") for h in r))
    header, body = [_plain(h) for h in rows[at]], rows[at + 1:]
    member = next(i for i, h in enumerate(header) if h in ("姓名", "成员姓名"))
    number = member + 1  # the member's ID column follows the name (synth/layouts.py)
    # Persons whose clues cite the file: their rows go (they left 低保边缘).
    cited = {c.person_id_number for c in Clue.objects.filter(facts_current=True)
             if any(ref["file"] == source.name for ref in c.records)}
    assert len(cited) >= 5
    people = [i for i, r in enumerate(body) if len(r) > number and r[member].strip()]  # no footer lines
    without_id = next(i for i in people if not parse_id(body[i][number]).number)
    body[without_id][member] = body[without_id][member][:-1] + "兰"
    with_id = next(i for i in people if parse_id(body[i][number]).number and i != without_id)
    body[with_id][number] = make_id("350425", birth_date(parse_id(body[with_id][number]).number), 777)
    leaving = {i for i in people if parse_id(body[i][number]).number in cited}
    out = sorted((leaving | set(people[10:40])) - {without_id, with_id})
    gone = [body[i] for i in out]
    kept = [r for i, r in enumerate(body) if i not in set(out)]
    heads = [header.index(h) for h in ("户主姓名", "户主身份证号码", "户主身份证号") if h in header]
    if len(heads) == 2:  # the heads, as members of their own 户
        added = [[*r[:member], r[heads[0]], r[heads[1]], *r[number + 1:]]
                 for r in gone if parse_id(r[heads[1]]).number][:5]
    else:
        added = gone[:5]  # gone and back
    assert added
    (tmp_path / "m12").mkdir()
    december = tmp_path / "m12" / source.name
    with december.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([*rows[:at + 1], *kept, *added])
    assert main(["ingest", "--as-of", "2025-11-30", str(december)]) == 0
    capsys.readouterr()
    changed = _screen(capsys, "--as-of", "2025-11-30")
    assert KEPT not in changed and NOTHING not in changed
    # the corrected name on a row without ID: features derived again, the persons written as changes
    assert "变动可能涉及无身份证号的记录（无身份证号的记录有变）" in changed and REDERIVED in changed
    run = ScreeningRun.objects.latest("pk")
    assert run.lapsed > 0  # facts gone with the rows of the persons who left
    _same_as_full(tmp_path, capsys, "2025-11-30")
    assert KEPT in _screen(capsys, "--as-of", "2025-11-30")

    # January's file holds the same rows in another order, as of a month later: every record has a new id
    # and the rows without ID a later as-of date, but no content changed — linked from the stored features.
    (tmp_path / "m1").mkdir()
    january = tmp_path / "m1" / source.name
    with january.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([*rows[:at + 1], *reversed([*kept, *added])])
    assert main(["ingest", "--as-of", "2025-12-31", str(january)]) == 0
    capsys.readouterr()
    moved = _screen(capsys, "--as-of", "2025-12-31")
    assert DELTA in moved and KEPT not in moved
    _same_as_full(tmp_path, capsys, "2025-12-31")


@pytest.mark.parametrize("late", ["孤儿", "刑事被害人"])
def test_a_registry_sent_after_a_screening_gives_what_a_full_run_gives(small_county: Path, tmp_path: Path,
                                                                       monkeypatch, capsys, late: str):
    """A unit's registry arriving after the others were screened (the worker screens after each import, so the
    first run may see part of the county): the next run ends where a full run ends, by whichever path the
    linkage takes (the 孤儿 register carries IDs only; the victims' file has rows without ID)."""
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    files = sorted(p for p in small_county.iterdir() if p.is_file())
    [last] = [p for p in files if late in p.name]
    assert main(["ingest", "--as-of", "2025-10-31", *[str(p) for p in files if p != last]]) == 0
    _screen(capsys, "--as-of", "2025-10-31")
    before = Clue.objects.count()
    assert main(["ingest", "--as-of", "2025-10-31", str(last)]) == 0
    capsys.readouterr()
    after = _screen(capsys, "--as-of", "2025-10-31")
    assert KEPT not in after and NOTHING not in after  # the new registry changed the clues
    # IDs only: the stored features serve; the victims' rows without ID: features derived again
    assert (DELTA in after, REDERIVED in after) == ((True, False) if late == "孤儿" else (False, True))
    assert Clue.objects.count() > before or ScreeningRun.objects.latest("pk").lapsed > 0
    _same_as_full(tmp_path, capsys, "2025-10-31")
