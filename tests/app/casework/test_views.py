"""The case pages: object-level access for every role, the steps through the web, audit, masking."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.casework.models import Case, CaseState
from jiuzhu.app.casework.services.acceptance import accept_case
from tests.fixtures.cases import ACCEPTED_ON, report_fields

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_handler_sees_own_and_team_cases_only(client, people, new_case, units):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile

    other = get_user_model().objects.create_user("olga", password="x-x-x-x-x1")
    Profile.objects.create(user=other, unit=units["procuratorate"], role="handler", display_name="欧检察官")
    theirs = accept_case(by=other, handler=other, person_name="林某", category="other", on=ACCEPTED_ON)
    page = _as(client, people["alice"]).get("/casework/")
    text = page.content.decode()
    assert new_case.number in text and theirs.number not in text
    assert client.get(f"/casework/{theirs.pk}/").status_code == 403
    assert AuditEvent.objects.filter(action="denied", object_id=str(theirs.pk)).exists()
    # olga is not in the minors team: alice's tagged case stays hidden from her
    assert _as(client, other).get(f"/casework/{new_case.pk}/").status_code == 403


def test_team_member_sees_team_case_handled_by_someone_else(client, people, units, clue):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile, Team

    other = get_user_model().objects.create_user("olga", password="x-x-x-x-x1")
    Profile.objects.create(user=other, unit=units["procuratorate"], role="handler", display_name="欧检察官")
    case = accept_case(by=other, handler=other, person_name="小明", category="other", on=ACCEPTED_ON,
                       tags=["未成年人"])
    assert Team.objects.get(code="minors").members.filter(pk=people["alice"].pk).exists()
    assert _as(client, people["alice"]).get(f"/casework/{case.pk}/").status_code == 200


def test_case_page_masks_id_for_partner_and_shows_only_timeline(client, people, new_case):
    heidi = people["heidi"]  # 教育局: joined through the minors team
    page = _as(client, heidi).get(f"/casework/{new_case.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "350425198001011234" not in text and "350425********1234" in text
    assert "案件进展" in text and "审查：填写审查报告" not in text and "已收材料" not in text
    assert AuditEvent.objects.filter(action="view", object_id=str(new_case.pk), username="heidi").exists()
    full = _as(client, people["alice"]).get(f"/casework/{new_case.pk}/").content.decode()
    assert "350425198001011234" in full


def test_partner_unit_not_in_case_is_denied(client, people, new_case):
    assert _as(client, people["frank"]).get(f"/casework/{new_case.pk}/").status_code == 403
    assert new_case.number not in client.get("/casework/").content.decode()


def test_partner_cannot_download_documents(client, people, case_at):
    case = case_at("granted")
    assert _as(client, people["heidi"]).get(f"/casework/{case.pk}/documents/decision.docx").status_code == 403


def test_steps_through_the_web(client, people, new_case):
    alice, bob, carol, erin = (people[n] for n in ("alice", "bob", "carol", "erin"))
    c = _as(client, alice)
    form = {k: (v / 100 if k.endswith("_fen") else v) for k, v in report_fields().items()}
    form["proposal"] = "grant"
    assert c.post(f"/casework/{new_case.pk}/report/", form).status_code == 302
    c.post(f"/casework/{new_case.pk}/submit/")
    new_case.refresh_from_db()
    assert new_case.state == CaseState.APPROVING
    # the handler may not approve, and carol may not sign bob's level
    assert c.post(f"/casework/{new_case.pk}/approve/", {"agreed": "1", "opinion": "同意"}).status_code == 403
    assert _as(client, carol).post(f"/casework/{new_case.pk}/approve/",
                                   {"agreed": "1", "opinion": "同意"}).status_code == 403
    inbox = _as(client, bob).get("/casework/approvals/").content.decode()
    assert new_case.number in inbox and "30,000.00元" in inbox
    r = client.post(f"/casework/{new_case.pk}/approve/", {"agreed": "1", "opinion": "同意"})
    assert r["Location"] == "/casework/approvals/"
    _as(client, carol).post(f"/casework/{new_case.pk}/approve/", {"agreed": "1", "opinion": "同意救助"})
    _as(client, alice).post(f"/casework/{new_case.pk}/decide/")
    new_case.refresh_from_db()
    assert new_case.state == CaseState.GRANTED
    # finance: request, received, paid; a second 发放 is refused with a message
    assert _as(client, alice).post(f"/casework/{new_case.pk}/funds/request/", {"on": "2025-10-09"}).status_code == 403
    f = _as(client, erin)
    assert new_case.number in f.get("/casework/payments/").content.decode()
    f.post(f"/casework/{new_case.pk}/funds/request/", {"on": "2025-10-09"})
    f.post(f"/casework/{new_case.pk}/funds/received/", {"on": "2025-10-09"})
    paid = {"paid_on": "2025-10-10", "method": "bank", "receipt_no": "R-9", "account": ""}
    f.post(f"/casework/{new_case.pk}/paid/", paid)
    again = f.post(f"/casework/{new_case.pk}/paid/", paid, follow=True).content.decode()
    assert "不能重复发放" in again
    new_case.refresh_from_db()
    assert new_case.state == CaseState.PAID and new_case.payment.paid_on == date(2025, 10, 10)


def test_document_download_is_audited_as_export(client, people, case_at):
    case = case_at("granted")
    r = _as(client, people["alice"]).get(f"/casework/{case.pk}/documents/decision.docx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="export", object_id=str(case.pk), detail__document="decision").exists()


def test_new_case_from_application_form(client, people):
    r = _as(client, people["bob"]).post("/casework/new/", {
        "origin": "application", "person_name": "陈某", "category": "civil_tort", "handler":
        people["alice"].profile.pk, "accepted_on": "2025-09-26", "applicant_relation": "本人"})
    case = Case.objects.get(person_name="陈某")
    assert r["Location"] == f"/casework/{case.pk}/"
    assert (case.handler, case.accepted_by, case.origin) == (people["alice"], people["bob"], "application")


def test_partner_and_finance_cannot_accept(client, people):
    assert _as(client, people["frank"]).get("/casework/new/").status_code == 403
    assert _as(client, people["erin"]).get("/casework/new/").status_code == 403


def test_deadlines_page_for_user_and_leader(client, people, new_case):
    mine = _as(client, people["alice"]).get("/casework/deadlines/").content.decode()
    assert "审查并提交审批" in mine and "2025-10-16" in mine and "已逾期" in mine  # today is after 2025
    assert "本院全部待办" not in mine
    leader = _as(client, people["bob"]).get("/casework/deadlines/").content.decode()
    assert "本院全部待办" in leader and "艾检察官" in leader


def test_due_status():
    from jiuzhu.app.config.due import status

    on = date(2025, 9, 30)
    assert status(date(2025, 9, 29), on=on) == "overdue"
    assert status(date(2025, 10, 10), on=on) == "soon"  # 2nd working day after 30 Sep is 10 Oct
    assert status(date(2025, 10, 11), on=on) == ""
    assert status(date(2025, 9, 29), date(2025, 9, 29), on=on) == ""
