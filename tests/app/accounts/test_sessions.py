"""The session store (accounts/sessions.py) reads a session as Django's database store does: the data of a
session by its key while unexpired; an expired, deleted or unknown one is empty and loses its key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from jiuzhu.app.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _both(key: str | None) -> tuple[tuple[dict, str | None], tuple[dict, str | None]]:
    ours, django = SessionStore(key), db.SessionStore(key)
    return (ours.load(), ours._session_key), (django.load(), django._session_key)


def test_reads_as_djangos_store_does():
    store = SessionStore()
    store["who"] = "张三"
    store.create()
    key = store.session_key
    assert _both(key)[0] == _both(key)[1] == ({"who": "张三"}, key)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=5))
    assert _both(key)[0] == ({"who": "张三"}, key)  # not yet expired
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert _both(key)[0] == _both(key)[1] == ({}, None)  # expired
    Session.objects.filter(session_key=key).delete()
    assert _both(key)[0] == _both(key)[1] == ({}, None)
    assert _both("nosuchsessionkey0000")[0] == ({}, None)
    assert _both(None)[0] == ({}, None)


def test_pages_use_it(client, alice):
    client.force_login(alice)
    assert client.get("/").status_code == 200
    assert isinstance(client.session, SessionStore)
