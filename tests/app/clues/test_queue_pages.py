"""The queue pages, sorts, filters by Chinese names, assigns in batches and exports to Excel; clues entered by
hand and a partner's referral to the procuratorate join the same queue."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.casework.models import Verification
from jiuzhu.app.clues.models import Clue, ClueState
from jiuzhu.app.referrals.models import Referral
from tests.fixtures.cases import PERSON_ID, make_clue

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(db):
    return [make_clue(person_name=f"甲{i:03d}", priority=i % 100, tags=[]) for i in range(120)]


def _names(html: str) -> list[str]:
    import re

    return re.findall(r'/clues/\d+/">(甲\d{3}|[^<]+)</a>', html)


def test_pages_without_a_cap_and_sorts(client, people, many):
    client.force_login(people["bob"])
    first = client.get("/clues/", {"sort": "name", "per": 50}).content.decode()
    assert "共 120 条" in first and "第 1 / 3 页" in first
    assert _names(first)[:2] == ["甲000", "甲001"]
    last = client.get("/clues/", {"sort": "name", "per": 50, "page": 3}).content.decode()
    assert _names(last) == [f"甲{i:03d}" for i in range(100, 120)]
    assert client.get("/clues/", {"page": "99"}).status_code == 200  # past the end: the last page
    top = _names(client.get("/clues/", {"per": 50}).content.decode())
    assert top[:3] == ["甲099", "甲098", "甲097"]  # priority i % 100, highest first


def test_filters_show_chinese_names(client, people):
    make_clue(person_name="甲", records=[{"record_id": "x", "source_type": "dibao", "file": "f", "row": 1}])
    make_clue(person_name="乙", rule="SJ-03", rule_name="民事侵权因案致贫", tags=[],
              records=[{"record_id": "y", "source_type": "victim", "file": "f", "row": 1}])
    client.force_login(people["bob"])
    html = client.get("/clues/").content.decode()
    assert '<option value="SJ-03">民事侵权因案致贫</option>' in html
    assert '<option value="dibao">低保对象</option>' in html and '<option value="12309">12309</option>' in html
    assert _names(client.get("/clues/", {"record": "dibao"}).content.decode()) == ["甲"]
    assert _names(client.get("/clues/", {"rule": "SJ-03"}).content.decode()) == ["乙"]
    assert _names(client.get("/clues/", {"q": "乙"}).content.decode()) == ["乙"]
    assert "victim" not in client.get("/clues/").content.decode().split("<table")[1]


def test_batch_assignment(client, people, many):
    client.force_login(people["bob"])
    ids = [c.pk for c in many[:3]]
    r = client.post("/clues/assign/", {"clue": ids, "handler": people["alice"].profile.pk}, follow=True)
    assert "已分派3条线索给艾检察官" in r.content.decode()
    assert sorted(Verification.objects.filter(handler=people["alice"]).values_list("clue_id", flat=True)) == ids
    client.force_login(people["alice"])
    assert client.post("/clues/assign/", {"clue": ids, "handler": people["alice"].profile.pk}).status_code == 403


def test_export_is_formula_safe_chinese_and_audited(client, people):
    make_clue(person_name="=HYPERLINK(\"x\")", reason="-1+1", tags=["未成年人"])
    client.force_login(people["bob"])
    r = client.get("/clues/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][:5] == ("线索编号", "线索", "来源", "姓名", "身份证号")
    assert rows[1][1:5] == ("被害人因案致贫", "筛查", "'=HYPERLINK(\"x\")", PERSON_ID)
    assert (
        rows[1][15] == "'-1+1" and rows[1][16] == "刑事被害人 被害人.xlsx 第5行；终结本次执行程序案件 执行.xlsx 第9行"
    )
    event = AuditEvent.objects.get(action="export", object_type="clues.clue")
    assert (event.detail["rows"], event.detail["source"]) == (1, "queue")


def test_partner_export_has_its_clues_with_full_id(client, people):
    make_clue(person_name="丙", target_unit="civil_affairs", rule="MZ-01", rule_name="疑似孤儿或事实无人抚养儿童")
    make_clue(person_name="丁")
    client.force_login(people["frank"])
    rows = list(load_workbook(io.BytesIO(client.get("/clues/export.xlsx").content)).active.values)
    assert [(r[3], r[4], r[7]) for r in rows[1:]] == [("丙", PERSON_ID, "民政局")]


def test_hand_entered_clue_checks_the_id_and_joins_the_queue(client, people):
    client.force_login(people["alice"])
    bad = client.post("/clues/new/", {"source": "petition", "person_name": "王芳", "id_number": "350425198001011230",
                                      "situation": "信访反映", "priority": 60})
    assert "身份证号有误：" in bad.content.decode() and not Clue.objects.exists()
    r = client.post("/clues/new/", {"source": "12309", "person_name": "王芳", "id_number": "350425198001011234",
                                    "phone": "13800000000", "township": "均溪镇", "situation": "丈夫遇害，家庭困难",
                                    "priority": 60, "tags": ["妇女"]})
    clue = Clue.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/clues/{clue.pk}/"
    assert (clue.source, clue.target_unit, clue.state, clue.entered_by, clue.contact, clue.tags) == (
        "12309", "procuratorate", ClueState.NEW, people["alice"], "13800000000", ["妇女"])
    from jiuzhu.engine.api import person_key_for_id

    assert clue.person_key == person_key_for_id("350425198001011234")
    page = client.get(f"/clues/{clue.pk}/").content.decode()
    assert "来源</th><td>12309" in page and "领取核查" in page
    client.force_login(people["bob"])
    html = client.get("/clues/", {"source": "12309"}).content.decode()
    assert "王芳" in html


def test_partner_referral_to_the_procuratorate_becomes_a_clue(client, people):
    client.force_login(people["frank"])
    bad = client.post("/referrals/new/", {"kind": "judicial_aid", "person_name": "李强",
                                          "person_id_number": "12345", "facts": "x"})
    assert "身份证号有误" in bad.content.decode() and not Referral.objects.exists()
    r = client.post("/referrals/new/", {"kind": "judicial_aid", "person_name": "李强",
                                        "person_id_number": " 350425198001011242 ", "phone": "13900000000",
                                        "address": "均溪镇许思坑村", "facts": "低保户，交通事故赔偿未执行到位",
                                        "request": "建议司法救助"})
    assert r.status_code == 302
    referral = Referral.objects.get()
    clue = referral.clue
    assert (clue.source, clue.target_unit, clue.person_id_number, clue.contact, clue.address) == (
        "transfer", "procuratorate", "350425198001011242", "13900000000", "均溪镇许思坑村")
    assert clue.reason.startswith(f"民政局移送（{referral.number}）：低保户") and "建议司法救助" in clue.reason
    client.force_login(people["bob"])
    assert "李强" in client.get("/clues/").content.decode()
