"""The JSON API (/api/): session auth, scoped exactly like the pages, refusals audited, OpenAPI published."""

from __future__ import annotations

import pytest

from jiuzhu.app.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_api_lists_only_the_units_referrals(client, world, frank):
    client.force_login(frank)
    rows = client.get("/api/referrals").json()
    assert [r["id"] for r in rows] == [world["to_mz"].pk]
    assert client.get(f"/api/referrals/{world['to_mz'].pk}").status_code == 200
    assert client.get(f"/api/referrals/{world['to_cl_a'].pk}").status_code == 403
    denied = AuditEvent.objects.get(username="frank", action="denied")
    assert denied.object_id == str(world["to_cl_a"].pk)


def test_api_shows_masked_id_to_liaison_and_full_to_handler(client, world, frank, alice):
    client.force_login(frank)
    assert client.get(f"/api/referrals/{world['to_mz'].pk}").json()["person_id_number"] == "350425********0018"
    client.force_login(alice)
    assert client.get(f"/api/referrals/{world['to_mz'].pk}").json()["person_id_number"] == "350425201503150018"


def test_api_needs_login(client, world):
    assert client.get("/api/referrals").status_code == 401
    assert client.get(f"/api/cases/{world['a'].pk}/timeline").status_code == 401


def test_openapi_document_lists_the_endpoints(client, frank):
    client.force_login(frank)
    doc = client.get("/api/openapi.json").json()
    assert {"/api/referrals", "/api/referrals/{referral_id}", "/api/plan-items", "/api/notifications",
            "/api/cases/{case_id}/timeline"} <= set(doc["paths"])
    docs = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn." not in docs  # served locally



def test_api_timeline_and_plan_items(client, world, frank, grace):
    from jiuzhu.app.referrals.services import flow

    flow.sign(frank, world["to_mz"])
    flow.answer(frank, world["to_mz"], result="enrolled_dibao", monthly_amount_fen=189100)
    client.force_login(grace)
    events = client.get(f"/api/cases/{world['a'].pk}/timeline").json()["events"]
    assert [(e["kind"], e["unit"]) for e in events] == [
        ("referral_sent", "procuratorate"), ("referral_sent", "procuratorate"),
        ("referral_received", "civil_affairs"), ("referral_answered", "civil_affairs")]
    assert events[-1]["text"].endswith("已纳入低保，月保障金额1,891.00元")
    client.force_login(frank)
    [row] = client.get("/api/referrals?direction=in").json()
    assert (row["state"], row["result_text"], row["monthly_amount_fen"]) == (
        "answered",
        "已纳入低保，月保障金额1,891.00元",
        189100,
    )
    assert client.get("/api/referrals?direction=out").json() == []
    assert client.get("/api/plan-items").json() == []
    assert [n["text"][:3] for n in client.get("/api/notifications").json()] == ["新移送"]


def test_api_steps_sign_answer_and_refusals(client, world, frank, grace):
    client.force_login(frank)
    mz, cl = world["to_mz"].pk, world["to_cl_a"].pk
    assert client.post(f"/api/referrals/{cl}/sign").status_code == 403  # another unit's referral
    assert AuditEvent.objects.filter(username="frank", action="denied", object_id=str(cl)).count() == 1
    answer = {"result": "enrolled_dibao", "monthly_amount_fen": 189100, "effective_date": "2025-11-01"}
    early = client.post(f"/api/referrals/{mz}/answer", answer, content_type="application/json")
    assert (early.status_code, early.json()["detail"]) == (409, "移送当前状态为“已发送”，不能反馈")
    assert client.post(f"/api/referrals/{mz}/sign").json()["state"] == "received"
    done = client.post(f"/api/referrals/{mz}/answer", answer, content_type="application/json").json()
    assert (done["state"], done["result_text"]) == ("answered", "已纳入低保，月保障金额1,891.00元，自2025-11-01起")
    client.force_login(grace)
    back = client.post(f"/api/referrals/{cl}/return", {"reason": "已享受两项补贴"}, content_type="application/json")
    assert back.json()["return_reason"] == "已享受两项补贴"
    bad = client.post(f"/api/referrals/{world['to_cl_b'].pk}/return", {"reason": " "}, content_type="application/json")
    assert (bad.status_code, bad.json()["detail"]) == (409, "退回须写明理由")


def test_api_steps_need_csrf_with_a_session(world, frank):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(frank)
    assert strict.post(f"/api/referrals/{world['to_mz'].pk}/sign").status_code == 403
    world["to_mz"].refresh_from_db()
    assert world["to_mz"].state == "sent"
