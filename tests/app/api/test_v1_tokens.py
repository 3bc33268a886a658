"""The token API of api.md through Django's test client: tokens, errors, scope, paging, limits, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.api import tokens
from jiuzhu.app.api.models import ApiToken

pytestmark = pytest.mark.django_db


def _get(client, path, token, **params):
    return client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client, path, token, data=None, **kw):
    return client.post(path, data or {}, HTTP_AUTHORIZATION=f"Bearer {token}", **kw)


def test_tokens_are_hashed_expire_and_are_revoked(client, units) -> None:
    token, plain = tokens.create("civil_affairs", "民政系统")
    assert plain.startswith("jz_") and len(plain) > 40
    assert ApiToken.objects.get().token_hash == tokens.digest(plain) and plain not in str(
        list(ApiToken.objects.values()))
    assert _get(client, "/api/v1/referrals", plain).json() == {"count": 0, "items": []}
    token.refresh_from_db()
    assert token.last_used_at is not None

    for bad in ("", "jz_nothing", plain + "x"):
        r = _get(client, "/api/v1/referrals", bad)
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"
        assert "令牌缺失、无效、已吊销或已过期" in r.json()["message"]
    assert client.get("/api/v1/referrals").status_code == 401

    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.localdate() - timedelta(days=1))
    assert _get(client, "/api/v1/referrals", plain).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.localdate())  # the last day still works
    assert _get(client, "/api/v1/referrals", plain).status_code == 200
    tokens.revoke("民政系统")
    assert _get(client, "/api/v1/referrals", plain).status_code == 401

    with pytest.raises(tokens.TokenError, match="已有名为"):
        tokens.create("civil_affairs", "民政系统")
    with pytest.raises(tokens.TokenError, match="没有代码为"):
        tokens.create("nowhere", "x")


def test_referrals_are_the_units_own_and_others_are_404(client, world) -> None:
    _, mz = tokens.create("civil_affairs", "民政")
    _, cl = tokens.create("disability_federation", "残联")
    page = _get(client, "/api/v1/referrals", mz).json()
    assert page["count"] == 1 and [r["id"] for r in page["items"]] == [world["to_mz"].pk]
    cl_page = _get(client, "/api/v1/referrals", cl, limit=1, offset=1).json()
    assert cl_page["count"] == 2 and [r["id"] for r in cl_page["items"]] == [world["to_cl_b"].pk]
    assert _get(client, "/api/v1/referrals", cl, direction="out").json()["count"] == 0
    r = _get(client, "/api/v1/referrals", cl, limit=5001)
    assert r.status_code == 400 and r.json()["error"] == "bad_request"
    assert _get(client, "/api/v1/referrals", cl, limit="many").status_code == 400

    other = _post(client, f"/api/v1/referrals/{world['to_cl_a'].pk}/sign", mz)
    assert other.status_code == 404 and other.json() == {"error": "not_found", "message": "没有找到 / not found"}
    signed = _post(client, f"/api/v1/referrals/{world['to_mz'].pk}/sign", mz)
    assert signed.status_code == 200 and signed.json()["state"] == "received"
    again = _post(client, f"/api/v1/referrals/{world['to_mz'].pk}/sign", mz)
    assert again.status_code == 409 and again.json()["error"] == "refused"

    calls = AuditEvent.objects.filter(username="api-civil_affairs", object_type="api.apitoken")
    assert calls.count() == 4
    assert calls.order_by("id").last().detail["token"] == "民政" and calls.last().detail["unit"] == "civil_affairs"


def test_too_many_calls_get_429(client, units, settings) -> None:
    settings.JIUZHU_API_CALLS_PER_MINUTE = 3
    _, mz = tokens.create("civil_affairs", "民政")
    assert [_get(client, "/api/v1/referrals", mz).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert _get(client, "/api/v1/referrals", mz).json()["error"] == "too_many_calls"


def test_pushing_a_batch_checks_type_date_and_size(client, units, settings, tmp_path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, mz = tokens.create("civil_affairs", "民政")

    def push(source="dibao", as_of="2025-10-31", content=b"a,b\n1,2\n"):
        data = {"source": source, "as_of": as_of, "file": SimpleUploadedFile("名单.csv", content)}
        return _post(client, "/api/v1/batches", mz, data)

    refused = push(source="disability")
    assert refused.status_code == 403 and refused.json()["error"] == "source_not_allowed"
    assert push(as_of="2025-13-01").status_code == 400
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert push(as_of=future).json()["error"] == "bad_date"
    missing = _post(client, "/api/v1/batches", mz, {"source": "dibao"})
    assert missing.status_code == 400 and "file" in missing.json()["message"] and "as_of" in missing.json()["message"]
    settings.JIUZHU_UPLOAD_MAX_MB = 0
    assert push().status_code == 413
    settings.JIUZHU_UPLOAD_MAX_MB = 100
    queued = push()
    assert queued.status_code == 202 and queued.json()["state"] == "queued"
    bid = queued.json()["batch_id"]
    got = _get(client, f"/api/v1/batches/{bid}", mz).json()
    assert got["state"] == "queued" and got["source"] == "dibao" and got["file"] == "名单.csv"
    _, cl = tokens.create("disability_federation", "残联")
    assert _get(client, f"/api/v1/batches/{bid}", cl).status_code == 404
    assert _get(client, f"/api/v1/batches/{bid}/rejections", cl).status_code == 404


def test_the_data_administrators_page_makes_lists_and_revokes(client, personas, units) -> None:
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile

    admin = get_user_model().objects.create_user("datadmin", password="x")
    Profile.objects.create(user=admin, unit=units["procuratorate"], role="data_admin", display_name="数据管理员")
    client.force_login(personas["frank"])
    assert client.get("/api/tokens/").status_code == 403
    client.force_login(admin)
    made = client.post("/api/tokens/", {"unit": units["civil_affairs"].pk, "name": "民政系统", "expires": ""})
    assert made.status_code == 200 and "令牌只显示这一次" in made.content.decode()
    plain = made.context["shown"]
    assert plain.startswith("jz_") and tokens.check(plain).unit.code == "civil_affairs"
    listed = client.get("/api/tokens/").content.decode()
    assert "民政系统" in listed and plain not in listed and "有效" in listed
    token = ApiToken.objects.get()
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    assert tokens.check(plain) is None and "已吊销" in client.get("/api/tokens/").content.decode()
    assert AuditEvent.objects.filter(object_type="api.apitoken", action="create", username="datadmin",
                                     detail__via__isnull=True).count() == 1
