"""`jiuzhu screen` limited to the persons a change concerns (engine screening/scope.py): over a sequence of
snapshots of the small county — a registry's rows gone, corrected and added, an enforcement record linked to a
victim corrected, a child's parent's registry fact corrected, a dead victim's relative's household row
corrected — each scoped run leaves exactly the clues (keys, states, contents) and the `jiuzhu clues export` a
full screen gives; with the 户 left out of the scope the parent's correction does not, and with the victim link
left out neither does the correction of a case another person applied for. Each correction comes as the product
receives one: the registry's next snapshot imported (records are never edited in place: the screening state keeps
a stored record's digest)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from jiuzhu.app.clues.models import Clue, ScreeningRun
from jiuzhu.cli.main import main
from jiuzhu.engine.home import warehouse_path
from jiuzhu.engine.identity.idcard import parse_id
from jiuzhu.engine.intake import cell_text, is_layout_row, plan_sheets
from jiuzhu.engine.pseudonymize import FileOut, SheetOut, write_file
from jiuzhu.engine.screening import scope

pytestmark = pytest.mark.django_db

SCOPED = "筛查：只重算变动涉及的"
NOTHING = "新增 0，更新 0，事实消失 0"
AS_OF = "2025-10-31"


def _clues() -> list[tuple]:
    return sorted((c.key, c.state, c.facts_current, c.person_key, c.priority, c.reason, c.target_unit,
                   c.suggested_help, repr(c.records), repr(sorted(c.facts.items())), repr(c.tags))
                  for c in Clue.objects.all())


def _export(tmp_path: Path) -> str:
    out = tmp_path / "clues.csv"
    assert main(["clues", "export", "--format", "csv", "--out", str(out), "--all"]) == 0
    return out.read_text(encoding="utf-8")


def _screen(capsys, *args: str) -> str:
    assert main(["screen", "--as-of", AS_OF, *args]) == 0
    return capsys.readouterr().out


def _scoped_is_full(tmp_path: Path, capsys) -> bool:
    """Screen scoped, then in full: whether the full run found the clues exactly as the scoped one left them."""
    out = _screen(capsys)
    assert SCOPED in out, out
    clues, export = _clues(), _export(tmp_path)
    full = _screen(capsys, "--full")
    assert SCOPED not in full
    return NOTHING in full and _clues() == clues and _export(tmp_path) == export


def _record(record_id: str) -> dict:
    """The file, sheet and row a record was read from, and its values."""
    con = duckdb.connect(str(warehouse_path()), read_only=True)
    try:
        (source_type,) = con.execute("SELECT source_type FROM batches WHERE batch_id = ?",
                                     [record_id.split(":", 1)[0]]).fetchone()
        found = con.execute(f"SELECT * FROM rec_{source_type} WHERE record_id = ?", [record_id])
        return dict(zip([d[0] for d in found.description], found.fetchone(), strict=True))
    finally:
        con.close()


def _cell(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value  # datetime too: a date cell reads back


def _corrected(files: dict[str, Path], record_id: str, changes: dict[str, Callable[[object], object]]) -> str:
    """A correction as the product receives one: the registry's next snapshot (in ``files``' folder), every row
    as it was but the record's cells ``changes`` (field → new value from the old cell), imported — every record of
    the file gets a new id; the stored ones keep theirs and their values. Returns the corrected record's new id."""
    record = _record(record_id)
    path = files[record["file_name"]]
    plans, _ = plan_sheets(path, source=None, sheet_name=None)
    sheets, at = [], None
    for plan in plans:
        labels = [plan.fit.columns[i].label if len(plan.fit.header_rows) == 1 else plan.fit.spec.field(n).title
                  for n, i in plan.fit.fields.items()]
        out = SheetOut(plan.sheet.name, labels)
        for row_no, cells in plan.rows:
            if is_layout_row([cell_text(c) for c in cells], plan.fit):
                continue
            values = {n: cells[i] if i < len(cells) else "" for n, i in plan.fit.fields.items()}
            if plan.sheet.name == record["sheet"] and row_no == record["row"]:
                values.update((n, change(values[n])) for n, change in changes.items())
                at = (len(sheets), len(out.rows))
            out.rows.append([_cell(v) for v in values.values()])
        sheets.append(out)
    assert at is not None, record_id
    folder = files[""] / f"fix{len(list(files[''].glob('fix*')))}"
    folder.mkdir()
    files[path.name] = written = write_file(FileOut(path, sheets), folder)
    assert main(["ingest", "--as-of", AS_OF, str(written)]) == 0
    plan = plan_sheets(written, source=None, sheet_name=None)[0][at[0]]
    rows = [n for n, cells in plan.rows if not is_layout_row([cell_text(c) for c in cells], plan.fit)]
    con = duckdb.connect(str(warehouse_path()), read_only=True)
    try:
        (new_id,) = con.execute(
            f"SELECT record_id FROM rec_{record['source_type']} WHERE file_name = ? AND sheet = ? AND row = ? "
            "AND batch_id IN (SELECT batch_id FROM current_batches)",
            [path.name, plan.sheet.name, rows[at[1]]]).fetchone()
    finally:
        con.close()
    return new_id


def _yuan(cell: object) -> float:
    return float(str(cell).replace(",", "").replace("，", "") or 0)


def _person_of(record_id: str) -> str:
    con = duckdb.connect(str(warehouse_path()), read_only=True)
    try:
        row = con.execute("SELECT person_key FROM person_index WHERE record_id = ?", [record_id]).fetchone()
    finally:
        con.close()
    return row[0] if row else f"r:{record_id}"


def _ingested(small_county: Path, tmp_path: Path, monkeypatch, capsys) -> dict[str, Path]:
    """The county imported and screened; returns its files by name (the latest snapshot of each; "": where
    ``_corrected`` writes the next ones)."""
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    files = [p for p in sorted(small_county.iterdir()) if p.is_file()]
    assert main(["ingest", "--as-of", AS_OF, *map(str, files)]) == 0
    first = _screen(capsys)
    assert SCOPED not in first and "没有上次筛查的状态" in first
    assert Clue.objects.filter(facts_current=True).count() > 100
    return {"": tmp_path, **{p.name: p for p in files}}


def _correct_a_parent(files: dict[str, Path], child_rule: str = "MZ-01") -> str:
    """A registry fact of a parent of a child clue, corrected (the child's own records unchanged): a prison
    term a year longer, else a disability grade 一级 ↔ 二级 (still 重残). Returns the child clue's key."""
    for clue in Clue.objects.filter(rule__in=("MZ-01", "MZ-02"), facts_current=True).order_by("key"):
        parents = {clue.facts.get("pa_key"), clue.facts.get("pb_key")} - {None}
        for ref in clue.records:
            if ref["source_type"] not in ("prisoner", "disability") or _person_of(ref["record_id"]) not in parents:
                continue
            if ref["source_type"] == "prisoner":
                end = _record(ref["record_id"])["sentence_end"]
                _corrected(files, ref["record_id"], {"sentence_end": lambda _, end=end: end.replace(year=end.year + 1)})
            else:
                grade = {"一级": "二级"}.get(_record(ref["record_id"])["disability_grade"], "一级")
                _corrected(files, ref["record_id"], {"disability_grade": lambda _, grade=grade: grade})
            return clue.key
    raise AssertionError(f"no {child_rule} clue cites a parent's prison or disability record")


def test_scoped_runs_give_what_a_full_screen_gives(small_county: Path, tmp_path: Path, monkeypatch, capsys):
    files = _ingested(small_county, tmp_path, monkeypatch, capsys)
    again = _screen(capsys)  # nothing changed: no one screened, every clue as it was
    assert f"{SCOPED} 0 人" in again and NOTHING in again
    assert ScreeningRun.objects.latest("pk").scoped_people == 0

    # A new 低保边缘 file: the rows of persons whose clues cite it gone, one name corrected, some rows added.
    [source] = [p for p in small_county.iterdir() if "低保边缘" in p.name]
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    at = next(i for i, r in enumerate(rows) if any(re.sub(r"\s", "", h) in ("姓名", "成员姓名") for h in r))
    header, body = [re.sub(r"\s", "", h) for h in rows[at]], rows[at + 1:]
    member = next(i for i, h in enumerate(header) if h in ("姓名", "成员姓名"))
    number = member + 1
    cited = {c.person_id_number for c in Clue.objects.filter(facts_current=True)
             if any(ref["file"] == source.name for ref in c.records)}
    assert cited
    people = [i for i, r in enumerate(body) if len(r) > number and r[member].strip()]
    with_id = [i for i in people if parse_id(body[i][number]).number]
    body[with_id[0]][member] = body[with_id[0]][member][:-1] + "兰"
    out = {i for i in with_id[1:] if parse_id(body[i][number]).number in cited} | set(with_id[10:20])
    kept = [r for i, r in enumerate(body) if i not in out]
    added = [body[i] for i in sorted(out)][:3]
    (tmp_path / "m11").mkdir()
    snapshot = tmp_path / "m11" / source.name
    with snapshot.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([*rows[:at + 1], *kept, *added])
    assert main(["ingest", "--as-of", AS_OF, str(snapshot)]) == 0
    capsys.readouterr()
    assert _scoped_is_full(tmp_path, capsys)

    # An enforcement record a victim's clue cites through the victim link: 未履行金额 corrected.
    victim_case = Clue.objects.filter(rule="SJ-01", facts_current=True).order_by("key")
    linked = sorted(victim_case, key=lambda c: _person_of(c.facts["enforcement_record"]) == c.person_key)[0]
    _corrected(files, linked.facts["enforcement_record"], {"amount_unpaid": lambda v: _yuan(v) + 1000})
    reason = linked.reason
    assert _scoped_is_full(tmp_path, capsys)
    assert Clue.objects.get(key=linked.key).reason != reason

    # A parent of a child clue: the child's clue changes, the child's records do not.
    key = _correct_a_parent(files)
    before = Clue.objects.get(key=key).reason
    assert _scoped_is_full(tmp_path, capsys)
    assert Clue.objects.get(key=key).reason != before

    # A relative of a dead victim: the relative's household row corrected (the name the clue shows).
    dead = next(c for c in Clue.objects.filter(rule="SJ-02", facts_current=True).order_by("key")
                if c.facts.get("relatives"))
    relative = dead.facts["relatives"][0]["person_key"]
    [row] = [r for r in dead.records if r["source_type"] == "household" and _person_of(r["record_id"]) == relative]
    name = _record(row["record_id"])["name"]
    _corrected(files, row["record_id"], {"name": lambda _: ("孙" if name[0] == "钱" else "钱") + name[1:]})
    before = dead.reason
    # A 户籍 snapshot gives every resident a new record id: most persons are in scope, scoped all the same
    monkeypatch.setattr(scope, "_MOST", 1.0)
    assert _scoped_is_full(tmp_path, capsys)
    assert Clue.objects.get(key=dead.key).reason != before


def test_what_makes_a_run_full(small_county: Path, tmp_path: Path, monkeypatch, capsys):
    _ingested(small_county, tmp_path, monkeypatch, capsys)
    later = (date.fromisoformat(AS_OF) + timedelta(days=30)).isoformat()
    assert main(["screen", "--as-of", later]) == 0
    assert "筛查：完整筛查（基准日变了）" in capsys.readouterr().out
    assert main(["screen", "--as-of", later, "--rule", "SJ-01"]) == 0  # one rule: no state left behind
    capsys.readouterr()
    assert main(["screen", "--as-of", later]) == 0
    assert "筛查：完整筛查（没有上次筛查的状态）" in capsys.readouterr().out
    ScreeningRun.objects.update(state_token="")  # the clues stored are not those of the warehouse's state
    assert main(["screen", "--as-of", later]) == 0
    assert "上次筛查的结果与状态不符" in capsys.readouterr().out
    assert main(["screen", "--as-of", later, "--full"]) == 0
    out = capsys.readouterr().out
    assert SCOPED not in out and "筛查：完整筛查" not in out


def test_without_the_household_the_scope_misses_a_child(small_county: Path, tmp_path: Path, monkeypatch,
                                                       capsys):
    """The check above has teeth: a scope that leaves out the 户 misses the child whose parent changed."""
    files = _ingested(small_county, tmp_path, monkeypatch, capsys)
    monkeypatch.setitem(scope.SUBJECT_JOINS, "child", frozenset())
    monkeypatch.setitem(scope.EVIDENCE_JOINS, "parents", frozenset())
    monkeypatch.setitem(scope.EVIDENCE_JOINS, "relatives_if_dead", frozenset())
    _correct_a_parent(files)
    assert not _scoped_is_full(tmp_path, capsys)


def test_without_the_victim_link_the_scope_misses_a_victim(small_county: Path, tmp_path: Path, monkeypatch,
                                                          capsys):
    """A case another person applied for (say a dead victim's relative): its correction moves the victim's
    clue only through the victim link by case number, which the scope must follow."""
    files = _ingested(small_county, tmp_path, monkeypatch, capsys)
    case = next(c for c in Clue.objects.filter(rule="SJ-01", facts_current=True).order_by("key")
                if c.facts.get("link_by") == "basis_no")
    record = case.facts["enforcement_record"]
    # The applicant becomes someone else of the county (the case stays linked to the victim by its basis).
    con = duckdb.connect(str(warehouse_path()), read_only=True)
    try:
        name, number = con.execute("SELECT name, id_number FROM rec_household WHERE id_number IS NOT NULL "
                                   "AND id_number <> ? ORDER BY record_id LIMIT 1", [case.person_id_number]).fetchone()
    finally:
        con.close()
    record = _corrected(files, record, {"name": lambda _: name, "id_number": lambda _: number})
    assert _scoped_is_full(tmp_path, capsys)
    assert _person_of(record) != case.person_key and Clue.objects.get(key=case.key).facts_current
    record = _corrected(files, record, {"amount_unpaid": lambda v: _yuan(v) + 1000})
    assert _scoped_is_full(tmp_path, capsys)  # the applicant is not the victim: the link brings her in
    assert Clue.objects.get(key=case.key).reason != case.reason
    monkeypatch.setitem(scope.SUBJECT_JOINS, "victim_case", frozenset())
    monkeypatch.setitem(scope.SUBJECT_JOINS, "victim", frozenset())
    monkeypatch.setitem(scope.EVIDENCE_JOINS, "linked_unpaid", frozenset())
    _corrected(files, record, {"amount_unpaid": lambda v: _yuan(v) + 1000})
    assert not _scoped_is_full(tmp_path, capsys)
