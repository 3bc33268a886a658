"""The leaders' dashboard: refused to partner liaisons and handlers, shown to leaders, downloads audited."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tests.fixtures.personas import PASSWORD

pytestmark = pytest.mark.django_db

QUERY = {"year": "2026", "quarter": "3", "since": "2024"}


def _client(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def leader(ivan):
    """A data administrator (the fourth role the menu shows the dashboard to)."""
    return ivan


@pytest.mark.parametrize("who", ["frank", "alice", "erin"])
def test_refused_to_liaison_handler_and_finance(client, personas, who):
    from jiuzhu.app.accounts.models import AuditEvent

    c = _client(client, personas[who])
    assert c.get(reverse("reports:dashboard"), QUERY).status_code == 403
    assert c.get(reverse("reports:download", args=["docx"]), QUERY).status_code == 403
    assert AuditEvent.objects.filter(action="denied", username=who).count() == 2


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["bob", "carol", "dave"])
def test_shown_to_leaders_with_the_figures(client, personas, county, who, monkeypatch):
    from jiuzhu.app.reports import views

    monkeypatch.setattr(views, "today", lambda: date(2026, 10, 15))
    response = _client(client, personas[who]).get(reverse("reports:dashboard"), QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "大田县人民检察院关于2026年第三季度司法救助工作情况的通报" in page
    assert (
        "2024年以来，受理国家司法救助案件6件5人，决定救助3件3人，决定救助金额6.00万元（60,000.00元），发放救助金4件6.50万元（65,000.00元）；不予救助2件。"
        in page
    )
    assert '<p class="overdue">本季度移送的事项中，超过时限签收或反馈的：残联1件' in page
    # the overview row of money paid, in 万元 for each period
    assert re.search(r"<td>发放救助金金额</td><td>3\.00万元</td><td>4\.00万元</td><td>6\.50万元</td>", page)
    # SVG bars (the CSP allows no inline style): 残联 received the most referrals this year (2), so its bar
    # is full; 教育局 half
    bar = (r'<svg class="bar" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">'
           r'<rect width="{}" height="1"/></svg>')
    assert re.search(r'title="残联">残联</span>' + bar.format(100) + r'<span class="value">2</span>', page)
    assert re.search(r'title="教育局">教育局</span>' + bar.format(50), page)
    # inline SVG: money per quarter scaled to the largest (3万元 → 150 px of 150)
    assert '<rect class="granted" x="200" y="20" width="22" height="150">' in page
    assert '<rect class="granted" x="40" y="120" width="22" height="50">' in page
    assert '<rect class="paid" x="146" y="120" width="22" height="50">' in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_menu_links_the_dashboard_for_leaders_only(client, personas, leader):
    url = reverse("reports:dashboard")
    assert f'href="{url}"' in _client(client, leader).get("/").content.decode()
    client.logout()
    assert f'href="{url}"' not in _client(client, personas["frank"]).get("/").content.decode()


def test_defaults_to_the_current_quarter(client, leader, monkeypatch):
    from jiuzhu.app.reports import views

    monkeypatch.setattr(views, "today", lambda: date(2026, 5, 20))
    monkeypatch.delenv("JIUZHU_REPORT_START_YEAR", raising=False)
    page = _client(client, leader).get(reverse("reports:dashboard"), {"quarter": "9"}).content.decode()
    assert "关于2026年第二季度司法救助工作情况的通报" in page
    assert "2022年以来" in page


def test_downloads_are_audited(client, leader, county):
    from jiuzhu.app.accounts.models import AuditEvent

    c = _client(client, leader)
    response = c.get(reverse("reports:download", args=["docx"]), QUERY)
    assert response.status_code == 200
    assert "filename*=UTF-8''2026" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == "大田县人民检察院关于2026年第三季度司法救助工作情况的通报"
    response = c.get(reverse("reports:download", args=["xlsx"]), QUERY)
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[0] == "总体情况"
    assert c.get(reverse("reports:download", args=["pdf"]), QUERY).status_code == 404
    events = AuditEvent.objects.filter(action="export", username="ivan").order_by("id")
    assert [(e.object_id, e.detail) for e in events] == [
        ("2026Q3", {"format": "docx", "since": 2024}), ("2026Q3", {"format": "xlsx", "since": 2024})]


@pytest.fixture
def decided_in_an_unknown_year(personas, units):
    """A decision in 2028, a year whose statutory calendar nobody has entered."""
    from datetime import date

    from jiuzhu.app.casework.models import Case, Decision

    case = Case.objects.create(number="田检救〔2028〕1号", unit=units["procuratorate"], handler=personas["alice"],
                               person_name="某某", category="other", accepted_on=date(2028, 1, 5),
                               review_due=date(2028, 1, 19))
    Decision.objects.create(case=case, kind="grant", amount_fen=100, document_number="决1",
                            decided_on=date(2028, 1, 10), decided_by=personas["alice"])


def test_unknown_calendar_year_is_said_not_crashed(client, leader, decided_in_an_unknown_year, tmp_path, capsys):
    from jiuzhu.cli.main import main

    query = {"year": "2028", "quarter": "1", "since": "2028"}
    c = _client(client, leader)
    page = c.get(reverse("reports:dashboard"), query).content.decode()
    assert "2028年的法定节假日安排未知，无法计算工作日" in page
    response = c.get(reverse("reports:download", args=["docx"]), query)
    assert response.status_code == 302 and response["Location"].startswith(reverse("reports:dashboard"))
    assert main(["report", "quarterly", "--year", "2028", "--quarter", "1", "--since", "2028",
                 "--out", str(tmp_path / "x.docx")]) == 1
    assert "2028年的法定节假日安排未知" in capsys.readouterr().err
