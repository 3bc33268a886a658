"""ID numbers are masked unless the role needs them; refused access is audited."""

from __future__ import annotations

import pytest

from jiuzhu.app.accounts.access import shown_id
from jiuzhu.app.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def test_handler_sees_full_id(alice):
    assert shown_id(alice, ID) == ID


def test_liaison_sees_masked_id(frank):
    assert shown_id(frank, ID) == "110105********002X"


def test_admin_page_refuses_liaison_and_is_not_a_leak(client, frank):
    client.force_login(frank)
    response = client.get("/admin/")
    assert response.status_code == 302  # to the admin login, not the data


def test_audit_record_keeps_no_pii(alice, rf):
    from jiuzhu.app.accounts import audit

    request = rf.get("/x")
    request.user = alice
    event = audit.record(request, "view", object_type="person", object_id="p123", detail={"records": 3})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.username, stored.action, stored.object_id, stored.detail) == (
        "alice",
        "view",
        "p123",
        {"records": 3},
    )
    assert stored.ip == "127.0.0.1"


def test_audit_refuses_unknown_actions_on_every_database(alice):
    from jiuzhu.app.accounts import audit

    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(alice, "clues.export")


def test_the_signed_in_user_comes_with_profile_and_unit(client, alice, frank, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.backends import Accounts

    with django_assert_num_queries(1):
        user = Accounts().get_user(alice.pk)
        assert (user.profile.unit.code, user.profile.role) == ("procuratorate", "handler")
    assert Accounts().get_user(10**9) is None
    get_user_model().objects.filter(pk=frank.pk).update(is_active=False)
    assert Accounts().get_user(frank.pk) is None  # as Django's ModelBackend: an inactive user is signed out
    client.force_login(alice)
    assert client.get("/").wsgi_request.user.profile.unit.code == "procuratorate"
