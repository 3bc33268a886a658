"""`jiuzhu users create-admin`: the first data administrator of a new installation, not a superuser."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model

from jiuzhu.cli.main import main

pytestmark = pytest.mark.django_db


def test_create_admin_reads_the_password_and_makes_no_superuser(monkeypatch, capsys, client):
    monkeypatch.setattr("sys.stdin", io.StringIO("Long-enough-pass-7\n"))
    assert main(["users", "create-admin", "lin", "--name", "林管理员"]) == 0
    user = get_user_model().objects.get(username="lin")
    assert (user.is_superuser, user.is_staff, user.profile.role, user.profile.unit.code) == (
        False, True, "data_admin", "procuratorate")
    assert "已新建数据管理员 lin" in capsys.readouterr().out
    assert client.login(username="lin", password="Long-enough-pass-7")
    assert client.get("/accounts/users/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_weak_password_or_a_taken_name_is_refused(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    assert main(["users", "create-admin", "lin"]) == 1
    assert "密码不符合要求" in capsys.readouterr().err
    assert not get_user_model().objects.filter(username="lin").exists()
    get_user_model().objects.create_user("lin")
    assert main(["users", "create-admin", "LIN"]) == 1
    assert "已被使用" in capsys.readouterr().err
