"""`jiuzhu demo` never writes its accounts (whose password it prints) where real data lives."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from jiuzhu.app.accounts.demo import real_data
from jiuzhu.cli.main import main

pytestmark = pytest.mark.django_db


def test_demo_refuses_a_database_with_real_users(personas, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    assert main(["demo", "--no-serve", "--scale", "300"]) == 1
    err = capsys.readouterr().err
    assert "已有真实数据（8 个非演示用户）" in err and "演示不会在这里写入演示账号" in err
    assert not get_user_model().objects.filter(username="jcg_zhang").exists()
    assert not (tmp_path / "demo-county").exists()


def test_demo_refuses_a_home_with_an_imported_warehouse(db, tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    (tmp_path / "warehouse.duckdb").write_bytes(b"")
    assert real_data(tmp_path) == "已导入的数据仓库"
    (tmp_path / "demo.home").touch()  # a home the demo itself started
    assert real_data(tmp_path) == ""


def test_an_empty_home_is_fine(db, tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    assert real_data(tmp_path) == ""
