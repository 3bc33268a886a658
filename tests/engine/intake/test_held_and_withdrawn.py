"""Registries only from their owners, in the warehouse: a far smaller snapshot is held until confirmed; a
withdrawn batch gives the current place back to the snapshot it replaced, and the same file imports again;
a future as-of date is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jiuzhu.engine.api import confirm_batch, ingest, withdraw_batch
from jiuzhu.engine.identity.calendar import today
from jiuzhu.engine.warehouse.batches import BatchStateError

from .helpers import ids, rows_of, write_csv

HEAD = ["姓名", "身份证号", "乡镇", "供养方式"]


def _tekun(path, n: int, start: int = 0):
    people = ids(n + start)[start:]
    return write_csv(path, [HEAD, *[[f"人{i}", pid, "均溪镇", "集中"] for i, pid in enumerate(people)]])


def _current(home) -> list[tuple]:
    return rows_of(home, "SELECT batch_id, rows_taken FROM current_batches WHERE source_type = 'tekun'")


def test_a_far_smaller_snapshot_is_held_until_confirmed(home, tmp_path):
    [full] = ingest([_tekun(tmp_path / "特困-10月.csv", 20)], as_of=date(2025, 10, 31))
    [small] = ingest([_tekun(tmp_path / "特困-11月.csv", 9)], as_of=date(2025, 11, 30))
    assert (small.status, small.rows_taken) == ("held", 9)
    assert small.message_zh == (f"新名单只有9行，远少于当前名单（20行），暂不生效，等待数据管理员确认"
                                f"（jiuzhu batches confirm {small.batch_id}）")
    assert _current(home) == [(full.batch_id, 20)]
    [ten] = ingest([_tekun(tmp_path / "特困-12月.csv", 10)], as_of=date(2025, 12, 31))  # half: not "far smaller"
    assert ten.status == "imported" and _current(home) == [(ten.batch_id, 10)]
    with pytest.raises(BatchStateError, match="不是待确认状态"):
        confirm_batch(ten.batch_id)


def test_confirm_makes_the_held_snapshot_current(home, tmp_path):
    ingest([_tekun(tmp_path / "a.csv", 20)], as_of=date(2025, 10, 31))
    [small] = ingest([_tekun(tmp_path / "b.csv", 3)], as_of=date(2025, 11, 30))
    before = confirm_batch(small.batch_id, by="dana")
    assert before["state"] == "held"
    assert _current(home) == [(small.batch_id, 3)]
    assert rows_of(home, f"SELECT state, state_changed_by FROM batches WHERE batch_id = '{small.batch_id}'") == [
        ("imported", "dana")]


def test_withdraw_restores_the_replaced_snapshot_and_the_same_file_imports_again(home, tmp_path):
    [good] = ingest([_tekun(tmp_path / "特困.csv", 12)], as_of=date(2025, 10, 31))
    wrong = _tekun(tmp_path / "特困-错.csv", 8, start=30)
    [bad] = ingest([wrong], as_of=date(2025, 11, 30))
    assert bad.status == "imported" and _current(home) == [(bad.batch_id, 8)]
    withdraw_batch(bad.batch_id, reason="错把另一个乡镇的名单当成特困名单", by="dana")
    assert _current(home) == [(good.batch_id, 12)]
    assert rows_of(home, "SELECT count(*) FROM cur_tekun") == [(12,)]
    [again] = ingest([wrong], as_of=date(2025, 11, 30))  # withdrawn: the identical file is a new batch
    assert again.status == "imported" and again.batch_id != bad.batch_id
    assert _current(home) == [(again.batch_id, 8)]
    assert [r.status for r in ingest([wrong], as_of=date(2025, 11, 30))] == ["unchanged"]
    with pytest.raises(BatchStateError, match="已经撤回"):
        withdraw_batch(bad.batch_id, reason="again")
    with pytest.raises(BatchStateError, match="需要写明原因"):
        withdraw_batch(again.batch_id, reason=" ")


def test_a_future_as_of_date_is_refused(home, tmp_path):
    tomorrow = today() + timedelta(days=1)
    [r] = ingest([_tekun(tmp_path / "特困.csv", 2)], as_of=tomorrow)
    assert r.status == "failed"
    assert r.message_zh == (f"数据截止日期{tomorrow.isoformat()}晚于今天（{today().isoformat()}），"
                            "不能导入未来日期的名单")


def test_the_cli_says_held_and_refuses_a_future_date(home, tmp_path, capsys):
    from jiuzhu.cli.main import main

    ingest([_tekun(tmp_path / "a.csv", 20)], as_of=date(2025, 10, 31))
    assert main(["ingest", "--as-of", "2025-11-30", str(_tekun(tmp_path / "b.csv", 4))]) == 0
    assert "待确认（新名单只有4行，远少于当前名单（20行），暂不生效" in capsys.readouterr().out
    assert main(["ingest", "--as-of", "2099-01-01", str(_tekun(tmp_path / "c.csv", 20))]) == 1
    assert "数据截止日期2099-01-01晚于今天" in capsys.readouterr().err


def test_reimporting_a_replaced_file_says_how_to_restore_it(home, tmp_path):
    original = _tekun(tmp_path / "特困.csv", 12)
    [good] = ingest([original], as_of=date(2025, 10, 31))
    [bad] = ingest([_tekun(tmp_path / "特困-错.csv", 8, start=30)], as_of=date(2025, 11, 30))
    [again] = ingest([original], as_of=date(2025, 10, 31))
    assert again.status == "unchanged" and again.batch_id == good.batch_id
    assert again.message_zh == (f"与已导入的文件完全相同，未作改变；但该批次不是当前名单（当前为 {bad.batch_id}），"
                                f"重新导入不会恢复它；如当前名单有误，请由数据管理员撤回 {bad.batch_id}")
