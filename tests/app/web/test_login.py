"""The Chinese login page, and what a logged-in user sees."""

from __future__ import annotations

import pytest

from tests.fixtures.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    page = client.get("/login/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<html lang="zh-Hans">' in text
    assert "用户名" in text and "密码" in text and "登录" in text


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_persona_logs_in_and_sees_name_and_unit(client, alice):
    response = client.post("/login/", {"username": "alice", "password": PASSWORD}, follow=True)
    text = response.content.decode()
    assert "艾检察官" in text and "检察院" in text and "承办检察官" in text


def test_wrong_password_message(client, alice):
    response = client.post("/login/", {"username": "alice", "password": "nope-nope"})
    assert "用户名或密码不正确" in response.content.decode()


def test_static_css_served_locally(client):
    response = client.get("/static/jiuzhu/site.css")
    assert response.status_code == 200


def test_menu_marks_only_the_current_entry(client, alice):
    client.force_login(alice)
    text = client.get("/casework/deadlines/").content.decode()
    nav = text[text.index("<nav>"): text.index("</nav>")]
    assert nav.count('class="on"') == 1
    assert '<a href="/casework/deadlines/" class="on">我的期限</a>' in nav
