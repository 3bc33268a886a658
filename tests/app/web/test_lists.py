"""Case list and referral ledger: paging, sorting, filters, Excel export (formula-safe, audited, scoped)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.app.accounts.listing import safe_cell
from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.casework.models import Case, CaseUnit
from jiuzhu.app.referrals.services import flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(people, units):
    """60 cases of alice's unit: names 案主00…案主59, the odd ones property-loss, one name a formula."""
    made = []
    for n in range(60):
        case = Case.objects.create(
            number=f"大田检救〔2025〕{n + 1}号", unit=units["procuratorate"], handler=people["alice"],
            person_name="=HYPERLINK(\"http://x\")" if n == 8 else f"案主{n:02d}",
            person_id_number="350425198001011234", category="property_loss" if n % 2 else "other",
            accepted_on=date(2025, 1, 1 + n % 28), review_due=date(2025, 2, 1), township="均溪镇" if n < 10 else "")
        CaseUnit.objects.create(case=case, unit=units["procuratorate"], how="lead")
        made.append(case)
    return made


def sheet(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_safe_cell():
    assert [safe_cell(v) for v in ("=1+1", "+86", "-3", "@SUM", "\tx", "\rx", "郑某", 5, None)] == [
        "'=1+1", "'+86", "'-3", "'@SUM", "'\tx", "'\rx", "郑某", 5, None]


def test_case_list_pages_of_fifty(client, people, many):
    client.force_login(people["bob"])
    first = client.get(reverse("casework:case_list"))
    assert first.context["total"] == 60 and len(first.context["rows"]) == 50
    second = client.get(reverse("casework:case_list") + "?page=2")
    assert len(second.context["rows"]) == 10
    assert "共 60 条，第 2/2 页" in second.content.decode()


def test_case_list_sorts_and_filters(client, people, many):
    client.force_login(people["bob"])
    url = reverse("casework:case_list")
    rows = client.get(url + "?sort=number").context["rows"]
    assert [r["case"].number for r in rows[:2]] == ["大田检救〔2025〕1号", "大田检救〔2025〕2号"]
    rows = client.get(url + "?sort=-number").context["rows"]
    assert rows[0]["case"].number == "大田检救〔2025〕60号"
    assert client.get(url + "?sort=password").context["sort"] == "-accepted"  # unknown sort: the default
    assert client.get(url + "?category=property_loss").context["total"] == 30
    assert client.get(url + "?township=均溪镇&category=property_loss").context["total"] == 5
    assert client.get(url + "?q=案主1").context["total"] == 10
    assert client.get(url + "?state=closed").context["total"] == 0
    assert client.get(url + "?overdue=1").context["total"] == 60  # review due 2025-02-01, long past
    page = client.get(url).content.decode()
    assert "<option value=\"property_loss\">（四）被害人财产遭受" in page  # Chinese names in the filters


def test_case_export_is_formula_safe_audited_and_filtered(client, people, many):
    client.force_login(people["bob"])
    rows = sheet(client.get(reverse("casework:case_list") + "?category=other&sort=number&format=xlsx"))
    assert rows[0][:4] == ["案号", "救助对象", "身份证号", "救助对象类别"]
    assert len(rows) == 31
    assert rows[1][0] == "大田检救〔2025〕1号" and rows[1][2] == "350425198001011234"  # text, whole for bob
    assert "'=HYPERLINK(\"http://x\")" in [r[1] for r in rows]
    event = AuditEvent.objects.filter(action="export", object_type="casework.case_list").get()
    assert event.detail["count"] == 30


def test_partner_exports_only_its_cases_with_masked_ids(client, people, many, units):
    CaseUnit.objects.create(case=many[0], unit=units["civil_affairs"], how="referral")
    client.force_login(people["frank"])
    rows = sheet(client.get(reverse("casework:case_list") + "?format=xlsx"))
    assert [r[0] for r in rows[1:]] == ["大田检救〔2025〕1号"]
    assert rows[1][2] == "350425********1234"


def test_referral_ledger_filters_sorts_exports(client, people, units, many):
    alice = people["alice"]
    for n, (unit, kind) in enumerate([("civil_affairs", "dibao"), ("civil_affairs", "temp_relief"),
                                      ("disability_federation", "rehabilitation")]):
        flow.send(alice, to_unit=units[unit], kind=kind, person_name=f"对象{n}", facts="困难", case=many[n])
    client.force_login(alice)
    url = reverse("referrals:ledger")
    assert client.get(url).context["total"] == 3
    assert client.get(url + "?kind=dibao").context["total"] == 1
    assert client.get(url + f"?unit={units['civil_affairs'].pk}").context["total"] == 2
    assert client.get(url + "?direction=in").context["total"] == 0
    rows = client.get(url + "?sort=number").context["rows"]
    assert [r["r"].person_name for r in rows] == ["对象0", "对象1", "对象2"]
    data = sheet(client.get(url + "?sort=-number&format=xlsx"))
    assert data[0][:3] == ["文号", "事项", "救助对象"]
    assert [r[2] for r in data[1:]] == ["对象2", "对象1", "对象0"]
    assert AuditEvent.objects.filter(action="export", object_type="referrals.ledger").count() == 1
    client.force_login(people["grace"])  # 残联 sees only its own
    assert client.get(url).context["total"] == 1
