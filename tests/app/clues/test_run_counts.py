"""What a screening run counts (the upload page's and `jiuzhu screen`'s summary): 新增 = a new clue key,
更新 = a key found again with changed evidence or content (or whose facts came back), 事实消失 = a key no
longer found. A clue found again unchanged is none of these."""

from __future__ import annotations

from jiuzhu.app.clues.findings import store_result
from jiuzhu.app.clues.models import Clue
from tests.app.clues.test_findings import county, screen

DEBT_1 = "SJ-03|pA|(2024)闽0425执1号"


def counts(run) -> tuple[int, int, int]:
    return run.created, run.updated, run.lapsed


def test_found_again_unchanged_is_not_updated(db):
    w = county()
    assert counts(store_result(screen(w))) == (3, 0, 0)
    assert counts(store_result(screen(w))) == (0, 0, 0)
    assert Clue.objects.count() == 3


def test_changed_evidence_is_updated_only_for_that_clue(db):
    w = county()
    store_result(screen(w))
    w.con.execute("UPDATE cur_enforcement SET amount_unpaid = 4000000 WHERE enforcement_no LIKE '%执1号'")
    assert counts(store_result(screen(w))) == (0, 1, 0)
    assert "未履行金额40,000元" in Clue.objects.get(key=DEBT_1).reason


def test_lapsed_then_back_counts_lapsed_then_updated(db):
    w = county()
    store_result(screen(w))
    w.con.execute("UPDATE cur_enforcement SET amount_unpaid = 0 WHERE enforcement_no LIKE '%执1号'")
    assert counts(store_result(screen(w))) == (0, 0, 1)
    assert counts(store_result(screen(w))) == (0, 0, 0)  # already lapsed: not counted again
    w.con.execute("UPDATE cur_enforcement SET amount_unpaid = 5000000 WHERE enforcement_no LIKE '%执1号'")
    assert counts(store_result(screen(w))) == (0, 1, 0)  # the same debt unpaid again, same amount as before
