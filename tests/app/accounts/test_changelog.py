"""One change log for every model: before/after of what changed, the acting user, no personal values."""

from __future__ import annotations

import pytest

from jiuzhu.app.accounts.models import AuditEvent, Profile, Unit

pytestmark = pytest.mark.django_db


def _log(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk),
                                          detail__via="changelog").order_by("seq"))


def test_create_update_delete_of_any_model(db):
    unit = Unit.objects.create(code="court", name="法院")
    unit.name = "县法院"
    unit.active = False
    unit.save()
    pk = unit.pk
    unit.delete()
    created, updated, deleted = AuditEvent.objects.filter(object_type="accounts.unit", object_id=str(pk)).order_by(
        "seq"
    )
    assert created.action == "create" and created.after["code"] == "court"
    assert updated.action == "update" and updated.detail["changed"] == ["active", "name"]
    assert updated.before["active"] is True and updated.after["active"] is False
    # a name is free text: a keyed hash, different before and after
    assert updated.before["name"].startswith("hmac:") and updated.before["name"] != updated.after["name"]
    assert deleted.action == "delete" and deleted.before["id"] == pk


def test_saving_without_change_writes_nothing(personas):
    profile = personas["alice"].profile
    n = AuditEvent.objects.count()
    profile.save()
    assert AuditEvent.objects.count() == n


def test_a_settings_change_in_the_admin_names_the_user(client, personas, units):
    from django.contrib.auth import get_user_model

    ivan = get_user_model().objects.create_user("ivan", is_staff=True)
    Profile.objects.create(user=ivan, unit=units["procuratorate"], role="data_admin", display_name="伊管理员")
    client.force_login(ivan)
    unit = units["education"]
    reply = client.post(f"/admin/accounts/unit/{unit.pk}/change/",
                        {"code": unit.code, "name": "县教育局", "kind": unit.kind, "active": ""})
    assert reply.status_code == 302, reply.content.decode()[:2000]
    entry = _log(unit)[-1]
    assert entry.username == "ivan" and entry.action == "update"
    assert entry.detail["changed"] == ["active", "name"]
    assert entry.before["active"] is True and entry.after["active"] is False
    assert "县教育局" not in str(entry.after)
    assert Unit.objects.get(pk=unit.pk).active is False


def test_team_membership_changes_are_logged(personas):
    from jiuzhu.app.accounts.models import Team

    team = Team.objects.get(code="minors")
    team.members.add(personas["bob"])
    entry = _log(team)[-1]
    assert entry.detail["changed"] == ["members"] and entry.detail["m2m"] == "add"
    assert entry.detail["ids"] == [personas["bob"].pk]


def test_password_change_is_logged_without_the_hash(personas):
    alice = personas["alice"]
    alice.set_password("Another-Pass-2026")
    alice.save()
    entry = _log(alice)[-1]
    assert entry.detail["changed"] == ["password"]
    assert entry.after["password"].startswith("hmac:") and "pbkdf2" not in entry.after["password"]
