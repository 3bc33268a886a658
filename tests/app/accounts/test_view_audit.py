"""Every page a signed-in user gets is in the trail: by the view itself, the @audited decorator, or the
middleware's fallback under the URL's name; one entry per page, none for anonymous visitors or static files."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_page_without_its_own_entry_is_recorded_by_the_fallback(client, frank):
    client.force_login(frank)
    assert client.get("/referrals/").status_code == 200
    [entry] = AuditEvent.objects.filter(username="frank", action="view")
    assert entry.object_type == "page:referrals:inbox" and entry.detail == {"path": "/referrals/"}


def test_a_page_that_records_itself_is_recorded_once(client, alice):
    client.force_login(alice)
    assert client.get("/casework/").status_code == 200
    entries = AuditEvent.objects.filter(username="alice", action="view")
    assert [e.object_type for e in entries] == ["casework.case_list"]


def test_anonymous_and_static_requests_write_nothing(client, db):
    n = AuditEvent.objects.count()
    client.get("/login/")
    client.get("/static/jiuzhu/site.css")
    assert AuditEvent.objects.count() == n


def test_the_decorator_records_ids_and_counts(alice):
    @audit.audited("persons.search")
    def view(request, person_id):
        request.audit_count, request.audit_ids = 2, ["pA", "pB"]
        return type("R", (), {"status_code": 200})()

    request = RequestFactory().get("/persons/x/")
    request.user = alice
    view(request, person_id="pA")
    entry = AuditEvent.objects.get(object_type="persons.search")
    assert (entry.username, entry.object_id) == ("alice", "pA")
    assert entry.detail == {"path": "/persons/x/", "count": 2, "ids": ["pA", "pB"]}
