"""Person search and the person page: what each role finds and sees, and the audit trail."""

from __future__ import annotations

import pytest

from jiuzhu.app.accounts.models import AuditEvent
from tests.fixtures.cases import make_clue
from tests.fixtures.warehouse import ID_A

pytestmark = pytest.mark.django_db


def _hits(client, q: str) -> list[str]:
    page = client.get("/persons/", {"q": q})
    assert page.status_code == 200
    html = page.content.decode()
    return [k for k in ("pA", "pB", "pC") if f"/persons/{k}/" in html]


@pytest.mark.parametrize(("q", "keys"), [
    ("郑小梅", ["pA"]), ("小梅", ["pA"]), ("郑小", ["pA", "pB"]), ("zhengxiaomei", ["pA"]), ("zxm", ["pA", "pB"]),
    ("郑小梅 1237", ["pA"]), ("郑小梅 0000", []), ("曾国藩", ["pC"]),
])
def test_handler_finds_by_name_part_pinyin_and_last_digits(client, people, person_warehouse, q, keys):
    client.force_login(people["alice"])
    assert _hits(client, q) == keys


def test_full_id_opens_the_person_and_both_are_audited_without_personal_data(client, people, person_warehouse):
    client.force_login(people["alice"])
    r = client.get("/persons/", {"q": ID_A})
    assert r.status_code == 302 and r["Location"] == "/persons/pA/"
    search = AuditEvent.objects.get(object_type="persons.search")
    assert search.detail == {"kind": "id", "count": 1}
    page = client.get("/persons/pA/").content.decode()
    assert "低保对象" in page and "低保.xlsx" in page and "2025-09-30" in page and "刑事被害人" in page
    assert ID_A in page and "匹配把握：<b>极强</b>" in page
    event = AuditEvent.objects.get(object_type="persons.person", object_id="pA")
    assert event.detail == {"records": 2, "clues": 0, "cases": 0}


def test_case_number_finds_the_case(client, people, person_warehouse):
    from jiuzhu.app.casework.services.acceptance import accept_case

    clue = make_clue(person_key="pA")
    case = accept_case(by=people["alice"], handler=people["alice"], person_name="郑小梅", category="severe_injury",
                       clue=clue)
    client.force_login(people["bob"])
    html = client.get("/persons/", {"q": case.number}).content.decode()
    assert f"案件 {case.number}" in html
    page = client.get("/persons/pA/").content.decode()
    assert case.number in page


def test_partner_finds_only_persons_of_its_clues_and_sees_its_own_records(client, people, person_warehouse):
    client.force_login(people["frank"])  # 民政
    assert _hits(client, "郑小") == []
    assert client.get("/persons/pA/").status_code == 403
    make_clue(person_key="pA", target_unit="civil_affairs", rule="MZ-01", records=[])
    assert _hits(client, "郑小") == ["pA"]
    page = client.get("/persons/pA/").content.decode()
    assert "低保.xlsx" in page and "被害人.xlsx" not in page and "另有 1 条其他单位名册中的记录" in page
    assert "350425********1237" in page and ID_A not in page


def test_finance_and_data_admin_have_no_person_search(client, people, person_warehouse):
    client.force_login(people["erin"])
    assert client.get("/persons/", {"q": "郑"}).status_code == 403
    assert client.get("/persons/pA/").status_code == 403


def test_no_warehouse_is_said_on_the_page(client, people, tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    client.force_login(people["alice"])
    assert "数据仓库尚未建立" in client.get("/persons/", {"q": "郑"}).content.decode()


def test_a_search_with_more_hits_than_shown_says_so(client, people, person_warehouse, monkeypatch):
    from jiuzhu.app.persons import views
    from jiuzhu.engine.persons import PersonHit

    many = [PersonHit(f"p{n:03d}", "张某", None, None, None, 1) for n in range(views.SHOWN)]
    monkeypatch.setattr(views, "search_persons", lambda text, limit: many[:limit] if text == "张" else many[:3])
    client.force_login(people["alice"])
    assert 'id="more-hits"' in client.get("/persons/", {"q": "张"}).content.decode()
    assert 'id="more-hits"' not in client.get("/persons/", {"q": "张某"}).content.decode()
