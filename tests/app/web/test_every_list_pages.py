"""Every list pages (accounts/listing.py, web/_pager.html): with more rows than a page, page 2 shows exactly the
rows after page 1, and a page of several lists pages each by its own ?…page=N, keeping the others'.

The page size is set to 2 here (listing.PER_PAGE, read at each call) so that three rows make two pages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from jiuzhu.app.accounts import listing
from jiuzhu.app.casework.models import Case, CaseUnit, Decision
from jiuzhu.app.referrals.models import MeetingDecision, RegularMeeting
from jiuzhu.app.referrals.services import flow, plans
from tests.fixtures.cases import make_clue, walk

pytestmark = pytest.mark.django_db

NAMES = ("甲某", "乙某", "丙某")


@pytest.fixture(autouse=True)
def pages_of_two(monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 2)


@pytest.fixture
def accepted(people):
    """Three cases alice accepted on 2025-09-26 (one per person), in the order of NAMES."""
    from jiuzhu.app.casework.services.acceptance import accept_case

    made = []
    for n, name in enumerate(NAMES):
        clue = make_clue(person_name=name, person_id_number=f"35042519800101{n:03d}X")
        made.append(accept_case(by=people["alice"], handler=people["alice"], person_name=name, category="other",
                                clue=clue, on=date(2025, 9, 26)))
    return made


def pager(html: str) -> str:
    start = html.index('<p class="pager">')
    return html[start:html.index("</p>", start)]


def test_approvals_page_two(client, people, accepted):
    for case in accepted:
        walk(case, "approving", people)
    client.force_login(people["bob"])
    url = reverse("casework:approvals")
    first, second = client.get(url), client.get(url + "?page=2")
    assert [r["case"].person_name for r in first.context["rows"]] == ["丙某", "乙某"]  # newest case first
    assert [r["case"].person_name for r in second.context["rows"]] == ["甲某"]
    assert "共 3 条，第 2/2 页" in second.content.decode()


def test_payments_page_two_and_sort(client, people, units):
    for n, name in enumerate(NAMES):
        case = Case.objects.create(number=f"大田检救〔2025〕{n + 1}号", unit=units["procuratorate"],
                                   handler=people["alice"], person_name=name, category="other", state="granted",
                                   accepted_on=date(2025, 9, 26), review_due=date(2025, 10, 16))
        CaseUnit.objects.create(case=case, unit=units["procuratorate"], how="lead")
        Decision.objects.create(case=case, kind="grant", amount_fen=1_000_000, document_number=f"决定{n}",
                                decided_on=date(2025, 10, 1), decided_by=people["alice"])
    client.force_login(people["erin"])
    url = reverse("casework:payments")
    assert [r["case"].person_name for r in client.get(url).context["rows"]] == ["甲某", "乙某"]
    second = client.get(url + "?show=todo&page=2")
    assert [r["case"].person_name for r in second.context["rows"]] == ["丙某"]
    assert 'href="?show=todo&amp;page=1">首页</a>' in pager(second.content.decode())  # the filter stays
    assert [r["case"].person_name for r in client.get(url + "?sort=-number").context["rows"]] == ["丙某", "乙某"]


def test_deadlines_page_each_section_by_its_own_number(client, people, accepted):
    client.force_login(people["alice"])
    url = reverse("casework:deadlines")
    mine = client.get(url).context["mine"]
    assert mine.total == 3 and [r["task"].case.person_name for r in mine.rows] == ["甲某", "乙某"]
    assert [r["task"].case.person_name for r in client.get(url + "?page=2").context["mine"].rows] == ["丙某"]
    client.force_login(people["bob"])  # a leader also sees every task of the unit, paged by unit_page
    response = client.get(url + "?unit_page=2")
    assert [r["task"].case.person_name for r in response.context["unit"].rows] == ["丙某"]
    html = response.content.decode()
    assert 'href="?unit_page=2&amp;page=1"' not in html  # bob has no tasks of his own: one page, no links
    assert 'href="?unit_page=1">首页</a>' in html


def test_partner_deadlines_and_inbox_page(client, people, units, accepted):
    sent = [flow.send(people["alice"], to_unit=units["civil_affairs"], kind="dibao", person_name=name,
                      facts="困难", case=case) for name, case in zip(NAMES, accepted, strict=True)]
    client.force_login(people["frank"])
    others = client.get(reverse("casework:deadlines") + "?others_page=2").context["others"]
    assert others.total == 3 and [r["title"] for r in others.rows] == [f"签收移送{sent[2].number}（低保，检察院）"]
    inbox = client.get(reverse("referrals:inbox") + "?page=2")
    assert [row["r"].person_name for row in inbox.context["to_do_rows"]] == ["丙某"]  # by due date, then as sent
    assert "共 3 条，第 2/2 页" in inbox.content.decode()
    client.force_login(people["alice"])
    inbox = client.get(reverse("referrals:inbox") + "?sent_page=2&done_page=1")
    assert [row["r"].person_name for row in inbox.context["sent_rows"]] == ["甲某"]  # newest first
    assert 'href="?done_page=1&amp;sent_page=1">首页</a>' in inbox.content.decode()


def test_meetings_and_decisions_page(client, people, units):
    for day in (1, 2, 3):
        meeting = RegularMeeting.objects.create(held_on=date(2025, 10, day), topics="衔接")
        meeting.units.add(units["procuratorate"], units["civil_affairs"])
        MeetingDecision.objects.create(meeting=meeting, text=f"议定{day}", unit=units["civil_affairs"],
                                       due_date=date(2025, 11, day))
    client.force_login(people["frank"])
    url = reverse("referrals:meetings")
    response = client.get(url + "?page=2&mine_page=2")
    assert [m.held_on for m in response.context["meetings"].rows] == [date(2025, 10, 1)]  # newest first
    assert [d.text for d in response.context["mine"].rows] == ["议定3"]  # by due date
    assert [m.held_on.day for m in client.get(url).context["meetings"].rows] == [3, 2]


def test_plan_items_page_two_and_sort(client, people, accepted):
    for n, kind in enumerate(("temp_relief", "dibao", "temp_relief")):
        plans.add_item(people["alice"], accepted[n], kind=kind, description=f"事项{n}",
                       due_date=date(2025, 12, 1 + n))
    client.force_login(people["frank"])
    url = reverse("referrals:plan_items")
    assert [r["item"].description for r in client.get(url + "?page=2").context["rows"]] == ["事项2"]
    assert [r["item"].description for r in client.get(url + "?sort=-due").context["rows"]] == ["事项2", "事项1"]


def test_batches_page_two(client, ivan, tmp_path, monkeypatch):
    from jiuzhu.engine.warehouse.store import connect

    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    shanghai = ZoneInfo("Asia/Shanghai")
    with connect() as con:
        for n in (1, 2, 3):
            con.execute("INSERT INTO batches (batch_id, unit, source_type, as_of, file_name, file_sha256, "
                        "imported_at, state) VALUES (?, 'civil_affairs', 'dibao', ?, ?, ?, ?, 'imported')",
                        [f"b{n}", date(2025, 9, n), f"低保{n}.xlsx", f"sha{n}",
                         datetime(2025, 9, n, 9, tzinfo=shanghai).replace(tzinfo=None)])
    client.force_login(ivan)
    url = reverse("registries:batches")
    assert [b["file_name"] for b in client.get(url).context["batches"]] == ["低保3.xlsx", "低保2.xlsx"]
    second = client.get(url + "?page=2")
    assert [b["file_name"] for b in second.context["batches"]] == ["低保1.xlsx"]
    assert [b["source_name"] for b in second.context["batches"]] == ["低保对象"]
    assert "共 3 条，第 2/2 页" in second.content.decode()


def test_users_page_filter_and_sort(client, ivan, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 4)
    client.force_login(ivan)
    url = reverse("accounts:users")
    last = client.get(url + "?sort=username&page=3")
    assert [p.user.username for p in last.context["rows"]] == ["ivan"]
    assert "共 9 条，第 3/3 页" in last.content.decode()
    first = client.get(url + "?sort=-username")
    assert [p.user.username for p in first.context["rows"]] == ["ivan", "heidi", "grace", "frank"]
    assert [p.user.username for p in client.get(url + "?unit=civil_affairs").context["rows"]] == ["frank"]


def test_uploads_page_two(client, people, units):
    from jiuzhu.app.referrals.models import RegistryUpload

    for n in (1, 2, 3):
        RegistryUpload.objects.create(unit=units["civil_affairs"], uploaded_by=people["frank"],
                                      file_name=f"低保{n}.xlsx", path=f"/x/{n}", source="dibao")
    RegistryUpload.objects.create(unit=units["disability_federation"], file_name="残疾人.xlsx", path="/x/4")
    client.force_login(people["frank"])
    second = client.get(reverse("referrals:upload") + "?page=2")
    assert [u.file_name for u in second.context["uploads"].rows] == ["低保1.xlsx"]  # newest first, own unit only
    assert "共 3 条，第 2/2 页" in second.content.decode()


def test_units_page_two(client, ivan, units):
    assert len(units) == 12  # the built-in kinds, in the order they were added
    client.force_login(ivan)
    last = client.get(reverse("accounts:units") + "?page=6")
    assert [u.code for u in last.context["rows"]] == ["court", "public_security"]
    assert "共 12 条，第 6/6 页" in last.content.decode()


def test_api_tokens_page_two(client, ivan, units):
    from jiuzhu.app.api import tokens

    for name in ("民政系统", "残联系统", "乡村振兴系统"):
        tokens.create("civil_affairs", name)
    client.force_login(ivan)
    second = client.get(reverse("api_tokens:list") + "?page=2")
    assert [t.name for t, _state in second.context["rows"]] == ["乡村振兴系统"]  # in the order made
    assert "共 3 条，第 2/2 页" in second.content.decode()
