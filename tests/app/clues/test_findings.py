"""Storing screenings: upsert by key, handled clues keep their state, lapsed facts, rule settings, export."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from openpyxl import load_workbook

from jiuzhu.app.clues.export import HEADER, HEADER_ZH, write_csv, write_xlsx
from jiuzhu.app.clues.findings import rule_settings, store_result
from jiuzhu.app.clues.models import Clue, ClueState, RuleSetting, ScreeningRun
from tests.engine.screening.builder import Warehouse

pytestmark = pytest.mark.django_db


def county() -> Warehouse:
    """Two applicants with unpaid personal-injury enforcement, both on 低保; one with 2 cases."""
    w = Warehouse()
    w.person("pA", "林秀英", date(1970, 3, 1), "女", "350425197003010020")
    w.person("pB", "陈建华", date(1985, 6, 1), "男", "350425198506010013")
    w.add("dibao", "pA", category="农村")
    w.add("dibao", "pB", category="农村")
    w.add("enforcement", "pA", enforcement_no="(2024)闽0425执1号", cause="机动车交通事故责任纠纷",
          amount_applied=5_000_000, amount_unpaid=5_000_000, terminated_date=date(2025, 1, 1))
    w.add("enforcement", "pA", enforcement_no="(2024)闽0425执2号", cause="医疗损害责任纠纷",
          amount_applied=3_000_000, amount_unpaid=1_000_000, terminated_date=date(2025, 2, 1))
    w.add("enforcement", "pB", enforcement_no="(2024)闽0425执3号", cause="机动车交通事故责任纠纷",
          amount_applied=9_000_000, amount_unpaid=90_000, terminated_date=date(2025, 3, 1))
    return w


def screen(w: Warehouse):
    return w.screen(settings=rule_settings(), rules=["SJ-03", "SJ-04"])


def test_first_screening_creates_one_clue_per_triggering_record():
    run = store_result(screen(county()))
    assert (run.created, run.updated, run.lapsed) == (3, 0, 0)
    assert sorted(Clue.objects.values_list("key", flat=True)) == [
        "SJ-03|pA|(2024)闽0425执1号", "SJ-03|pA|(2024)闽0425执2号", "SJ-03|pB|(2024)闽0425执3号"]
    clue = Clue.objects.get(key="SJ-03|pA|(2024)闽0425执1号")
    assert clue.state == ClueState.NEW and clue.facts_current
    assert clue.person_name == "林秀英" and clue.person_id_number == "350425197003010020"
    assert (
        clue.reason
        == "申请执行人林某某在(2024)闽0425执1号(机动车交通事故责任纠纷)中未履行金额50,000元，现为低保对象(农村)"
    )
    assert [r["source_type"] for r in clue.records] == ["enforcement", "dibao"]
    assert ScreeningRun.objects.get().counts == {"SJ-03": 3, "SJ-04": 0}


def test_rescreening_updates_never_duplicates_and_keeps_handled_state():
    w = county()
    store_result(screen(w))
    handled = Clue.objects.get(key="SJ-03|pA|(2024)闽0425执1号")
    handled.state = ClueState.ACCEPTED
    handled.save()
    first_seen = handled.first_seen
    run = store_result(screen(w))
    assert (run.created, run.updated, run.lapsed) == (0, 0, 0)  # found again, nothing changed
    assert Clue.objects.count() == 3
    handled.refresh_from_db()
    assert handled.state == ClueState.ACCEPTED and handled.first_seen == first_seen
    assert handled.last_seen > first_seen


def test_facts_gone_marks_lapsed_not_deleted_and_handled_keeps_state():
    w = county()
    store_result(screen(w))
    Clue.objects.filter(key="SJ-03|pB|(2024)闽0425执3号").update(state=ClueState.VERIFYING)
    # Both of 林秀英's debts are paid and 陈建华 leaves 低保.
    w.con.execute("UPDATE cur_enforcement SET amount_unpaid = 0 WHERE enforcement_no LIKE '%执1号' "
                  "OR enforcement_no LIKE '%执2号'")
    w.con.execute("DELETE FROM cur_dibao WHERE name = '陈建华'")
    run = store_result(screen(w))
    assert (run.created, run.updated, run.lapsed) == (0, 0, 3)
    states = dict(Clue.objects.values_list("key", "state"))
    assert states == {"SJ-03|pA|(2024)闽0425执1号": "lapsed", "SJ-03|pA|(2024)闽0425执2号": "lapsed",
                      "SJ-03|pB|(2024)闽0425执3号": "verifying"}
    assert not Clue.objects.filter(facts_current=True).exists()
    # The debt is unpaid again: the lapsed clue comes back as new, same row.
    w.con.execute("UPDATE cur_enforcement SET amount_unpaid = 10000 WHERE enforcement_no LIKE '%执1号'")
    store_result(screen(w))
    back = Clue.objects.get(key="SJ-03|pA|(2024)闽0425执1号")
    assert back.state == ClueState.NEW and back.facts_current and back.lapsed_at is None
    assert Clue.objects.count() == 3


def test_rule_switched_off_is_not_run_and_its_clues_stay():
    w = county()
    store_result(screen(w))
    RuleSetting.objects.create(rule="SJ-03", enabled=False)
    result = screen(w)
    assert result.counts == {"SJ-04": 0} and result.clues == []
    run = store_result(result)
    assert run.lapsed == 0
    assert set(Clue.objects.values_list("state", flat=True)) == {"new"}


def test_threshold_change_changes_next_screening_and_old_clues_keep_their_version():
    w = county()
    store_result(screen(w))
    old_version = Clue.objects.get(key="SJ-03|pA|(2024)闽0425执1号").rule_version
    # Only unpaid amounts above 1,000 元 from now on: 陈建华's 900 元 no longer qualifies.
    RuleSetting.objects.create(rule="SJ-03", parameters={"unpaid_above_fen": 100_000})
    result = screen(w)
    assert result.rule_versions["SJ-03"] != old_version
    assert {c.key for c in result.clues} == {"SJ-03|pA|(2024)闽0425执1号", "SJ-03|pA|(2024)闽0425执2号"}
    store_result(result)
    assert Clue.objects.get(key="SJ-03|pB|(2024)闽0425执3号").state == ClueState.LAPSED
    kept = Clue.objects.get(key="SJ-03|pA|(2024)闽0425执1号")
    assert kept.rule_version == old_version
    assert kept.facts["seen_rule_version"] == result.rule_versions["SJ-03"]
    # A new clue found under the new settings carries the new version.
    w.add("enforcement", "pB", enforcement_no="(2025)闽0425执9号", cause="医疗损害责任纠纷",
          amount_applied=900_000, amount_unpaid=800_000, terminated_date=date(2025, 5, 1))
    store_result(screen(w))
    assert Clue.objects.get(key="SJ-03|pB|(2025)闽0425执9号").rule_version == result.rule_versions["SJ-03"]


def test_export_csv_and_xlsx_follow_the_contract(tmp_path):
    store_result(screen(county()))
    Clue.objects.filter(key="SJ-03|pB|(2024)闽0425执3号").update(state=ClueState.EXCLUDED)
    out = tmp_path / "clues.csv"
    assert write_csv(out) == 2
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == HEADER == ("clue_id", "rule", "person_name", "person_id_number", "priority", "tags",
                                        "target_unit", "reason", "records")
    first = Clue.objects.get(key="SJ-03|pA|(2024)闽0425执1号")
    assert rows[1] == [str(first.pk), "SJ-03", "林秀英", "350425197003010020", str(first.priority), "",
                       "procuratorate", first.reason, "enforcement:enforcement.xlsx:3;dibao:dibao.xlsx:3"]
    assert write_csv(out, include_all=True) == 3
    xlsx = tmp_path / "clues.xlsx"
    assert write_xlsx(xlsx) == 2
    ws = load_workbook(xlsx).active
    values = list(ws.values)
    assert values[0] == HEADER_ZH
    assert values[1][3] == "350425197003010020" and values[1][8] == rows[1][8]


def test_bad_parameter_in_admin_form_is_refused():
    from jiuzhu.app.clues.admin import RuleSettingForm

    form = RuleSettingForm(data={"rule": "SJ-03", "enabled": True, "parameters": '{"no_such": 1}',
                                 "definition": "null", "note": ""})
    assert not form.is_valid()
    assert "没有参数" in str(form.errors)
    form = RuleSettingForm(data={"rule": "SJ-03", "enabled": True, "parameters": '{"unpaid_above_fen": "x"}',
                                 "definition": "null", "note": ""})
    assert not form.is_valid()
    form = RuleSettingForm(data={"rule": "SJ-03", "enabled": True, "parameters": '{"unpaid_above_fen": 5}',
                                 "definition": "null", "note": ""})
    assert form.is_valid(), form.errors
