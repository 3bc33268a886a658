"""`jiuzhu purge` with fixed dates: what is past its retention goes, everything else stays byte for byte;
a person's data removed on a legal request, their cases kept; counts audited, never names."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from jiuzhu.cli.main import main
from tests.engine.intake.helpers import ids, write_csv
from tests.fixtures.cases import make_clue

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = "2026-03-01"
HEADER = ["姓名", "身份证号", "乡镇", "供养方式"]
PEOPLE = ids(4)


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 9, tzinfo=SHANGHAI)


@pytest.fixture
def home(tmp_path, monkeypatch, units):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    return tmp_path


def ingest_snapshots(home: Path) -> dict[str, str]:
    """Three 特困 snapshots (the oldest superseded before the cut-off) and one lone 低保 snapshot, dated."""
    made = {}
    plan = (
        ("a", "2024-01-31", "2024-02-05 10:00:00", PEOPLE[:3]),
        ("b", "2025-01-31", "2025-02-05 10:00:00", PEOPLE[:2]),
        ("c", "2025-12-31", "2026-01-05 10:00:00", PEOPLE[1:3]),
    )
    for name, as_of, imported, people in plan:
        rows = (
            [HEADER]
            + [[f"甲{i}", pid, "均溪镇", "集中"] for i, pid in enumerate(people)]
            + [["乙", "12345", "均溪镇", "集中"]]
        )
        path = write_csv(home / f"in-{name}.csv", rows)
        assert main(["ingest", "--source", "tekun", "--as-of", as_of, str(path)]) == 0
        con = duckdb.connect(str(home / "warehouse.duckdb"))
        made[name] = con.execute("SELECT batch_id FROM batches ORDER BY imported_at DESC LIMIT 1").fetchone()[0]
        con.execute("UPDATE batches SET imported_at = ? WHERE batch_id = ?", [imported, made[name]])
        con.close()
    dibao = write_csv(
        home / "in-d.csv",
        [["姓名", "身份证号", "乡镇", "户主姓名", "户主身份证号"], ["丙", PEOPLE[3], "均溪镇", "丁", PEOPLE[0]]],
    )
    assert main(["ingest", "--source", "dibao", "--as-of", "2023-12-31", str(dibao)]) == 0
    return made


def warehouse_rows(home: Path) -> dict[str, list]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
    out = {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    con.close()
    return out


def files(home: Path) -> dict[str, str]:
    skip = {"warehouse.duckdb", "warehouse.duckdb.wal", "jiuzhu.sqlite3", "retention.toml"}
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(home.rglob("*")) if p.is_file() and p.name not in skip}


def make_upload(home: Path, name: str, finished: datetime):
    from jiuzhu.app.accounts.models import Unit
    from jiuzhu.app.referrals.models import RegistryUpload

    folder = home / "uploads" / "registry" / name
    folder.mkdir(parents=True)
    (folder / "名单.xlsx").write_bytes(name.encode() * 10)
    upload = RegistryUpload.objects.create(unit=Unit.objects.get(code="civil_affairs"), file_name="名单.xlsx",
                                           path=str(folder / "名单.xlsx"), state="done")
    RegistryUpload.objects.filter(pk=upload.pk).update(finished_at=finished)
    return upload


def make_case(alice, number: str, closed_on: date | None, clue=None, person_id_number: str = ""):
    from jiuzhu.app.casework.models import Case

    return Case.objects.create(
        number=number,
        unit=alice.profile.unit,
        handler=alice,
        clue=clue,
        state="closed" if closed_on else "reviewing",
        person_name="郑小梅",
        person_id_number=person_id_number,
        category="severe_injury",
        accepted_on=date(1994, 6, 1),
        review_due=date(1994, 7, 1),
        closed_on=closed_on,
    )


def rows_of(model, pks) -> list[dict]:
    return list(model.objects.filter(pk__in=pks).order_by("pk").values())


def test_purge_takes_what_is_past_retention_and_leaves_the_rest_byte_for_byte(home, alice, capsys):
    from jiuzhu.app.accounts.models import AuditEvent
    from jiuzhu.app.casework.models import Case
    from jiuzhu.app.clues.models import Clue
    from jiuzhu.app.referrals.models import RegistryUpload

    batches = ingest_snapshots(home)
    old_up, new_up = make_upload(home, "old", at(2025, 11, 1)), make_upload(home, "new", at(2026, 1, 1))
    gone_clue = make_clue(state="lapsed", lapsed_at=at(2025, 8, 1))
    kept = [make_clue(state="lapsed", lapsed_at=at(2026, 1, 1)).pk, make_clue(state="new").pk]
    taken = make_clue(state="lapsed", lapsed_at=at(2020, 1, 1))
    old_case = make_case(alice, "1995-1", date(1995, 12, 31))
    kept_cases = [make_case(alice, "2020-1", date(2020, 1, 1), clue=taken).pk, make_case(alice, "open", None).pk]
    kept.append(taken.pk)
    (home / "retention.toml").write_text("[retention]\nuploaded_files = 100\n", encoding="utf-8")

    wh_before, files_before = warehouse_rows(home), files(home)
    clues_before, cases_before = rows_of(Clue, kept), rows_of(Case, kept_cases)
    audit_before = AuditEvent.objects.count()

    assert main(["purge", "--today", TODAY]) == 0  # dry run: counts, nothing changes
    out = capsys.readouterr().out
    assert "预览" in out and "被新名单替换的旧名单（superseded_snapshots，保存 365 天）：1" in out
    assert "上传的原始文件（uploaded_files，保存 100 天）：1" in out
    assert (
        "事实消失且无人处理的线索（lapsed_clues，保存 180 天）：1" in out
        and "已结案案件（closed_cases，保存 10950 天）：1" in out
    )
    assert warehouse_rows(home) == wh_before and files(home) == files_before
    assert AuditEvent.objects.count() == audit_before

    assert main(["purge", "--today", TODAY, "--apply"]) == 0
    assert "旧名单：1 批，记录 4 条，问题行 1 行" in capsys.readouterr().out
    wh_after = warehouse_rows(home)
    gone = batches["a"]
    assert wh_after["rec_tekun"] == [r for r in wh_before["rec_tekun"] if f"'{gone}:" not in r]
    assert len(wh_after["rec_tekun"]) == len(wh_before["rec_tekun"]) - 4
    assert wh_after["rejections"] == [r for r in wh_before["rejections"] if gone not in r]
    assert {t: v for t, v in wh_after.items() if t not in ("rec_tekun", "rejections")} == {
        t: v for t, v in wh_before.items() if t not in ("rec_tekun", "rejections")}  # batches rows stay
    expected_files = {k: v for k, v in files_before.items()
                      if not k.startswith(("uploads/registry/old/", f"reports/{gone}-"))}
    assert files(home) == expected_files
    assert not (home / "uploads" / "registry" / "old").exists()
    assert rows_of(Clue, kept) == clues_before and rows_of(Case, kept_cases) == cases_before
    assert not Clue.objects.filter(pk=gone_clue.pk).exists() and not Case.objects.filter(pk=old_case.pk).exists()
    assert RegistryUpload.objects.filter(pk__in=[old_up.pk, new_up.pk]).count() == 2  # the rows (no file) stay
    event = AuditEvent.objects.get(object_type="jiuzhu.purge")
    assert event.action == "delete" and event.detail["counts"] == {
        "superseded_snapshots": 1, "uploaded_files": 1, "lapsed_clues": 1, "closed_cases": 1}
    assert "郑小梅" not in str(event.detail) and PEOPLE[0] not in str(event.detail)

    assert main(["purge", "--today", TODAY, "--apply"]) == 0  # nothing left past retention
    assert warehouse_rows(home) == wh_after and files(home) == expected_files


def test_a_person_removed_on_request_keeps_their_cases(home, alice, capsys):
    from jiuzhu.app.accounts.models import AuditEvent
    from jiuzhu.app.clues.models import Clue

    ingest_snapshots(home)
    target = PEOPLE[0]
    theirs = make_clue(person_id_number=target).pk
    with_case = make_clue(person_id_number=target)
    make_case(alice, "2025-1", None, clue=with_case, person_id_number=target)
    other = make_clue(person_id_number=PEOPLE[1], person_name="王五")
    before = warehouse_rows(home)

    assert main(["purge", "--person", target, "--reference", "依申请删除 2026-001"]) == 0
    assert "预览" in capsys.readouterr().out and warehouse_rows(home) == before
    assert main(["purge", "--person", target, "--reference", "依申请删除 2026-001", "--apply"]) == 0
    out = capsys.readouterr().out
    assert "此人的线索 1 条；保留案件 1 件" in out and "记录 2 条，他人记录中的此人信息 1 处" in out
    after = warehouse_rows(home)
    assert not any(target in r for rows in after.values() for r in rows)
    assert after["rec_tekun"] == [r for r in before["rec_tekun"] if target not in r]
    assert Clue.objects.filter(pk=theirs).exists() is False
    assert Clue.objects.filter(pk__in=[with_case.pk, other.pk]).count() == 2
    event = AuditEvent.objects.get(object_type="jiuzhu.purge.person")
    assert event.detail["counts"]["clues"] == 1 and target not in str(event.detail)
    assert main(["purge", "--person", "350425199001011234", "--reference", "x"]) == 1
    assert "身份证号无效" in capsys.readouterr().err
