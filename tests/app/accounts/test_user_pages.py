"""The data administrator's own pages: users (create, disable, reset password, role, unit) and units."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from jiuzhu.app.accounts.models import AuditEvent, Profile, Unit

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zx9-qw-long-enough"


@pytest.fixture
def ivan(units, client):
    user = get_user_model().objects.create_user("ivan", is_staff=True)
    Profile.objects.create(user=user, unit=units["procuratorate"], role="data_admin", display_name="伊管理员")
    client.force_login(user)
    return user


def _form(units, **over):
    data = {"username": "zhou", "display_name": "周联络员", "unit": units["civil_affairs"].pk, "role": "liaison",
            "phone": "", "email": "", "active": "on", "password": NEW_PASSWORD}
    data.update(over)
    return data


def test_create_disable_reset_and_change_role(client, ivan, units):
    assert client.post("/accounts/users/new/", _form(units)).status_code == 302
    zhou = get_user_model().objects.get(username="zhou")
    assert (zhou.profile.role, zhou.profile.unit.code, zhou.is_superuser, zhou.is_staff) == (
        "liaison", "civil_affairs", False, False)
    assert zhou.check_password(NEW_PASSWORD)
    page = client.get("/accounts/users/").content.decode()
    assert "周联络员" in page and "协作单位联络员" in page
    # disable, reset the password, move to 残联
    pk = zhou.profile.pk
    client.post(f"/accounts/users/{pk}/", _form(units, active="", unit=units["disability_federation"].pk,
                                                password="Another-pass-42"))
    zhou.refresh_from_db()
    assert (zhou.is_active, zhou.profile.unit.code) == (False, "disability_federation")
    assert zhou.check_password("Another-pass-42")
    change = AuditEvent.objects.filter(object_type="auth.user", action="update", detail__via__isnull=True).get()
    assert change.before == {"unit": "civil_affairs", "role": "liaison", "active": True}
    assert change.after == {"unit": "disability_federation", "role": "liaison", "active": False}
    assert change.detail == {"password_reset": True}
    assert "Another" not in str(change.detail) + str(change.after)


def test_a_role_must_fit_its_unit_and_passwords_follow_the_rules(client, ivan, units):
    page = client.post("/accounts/users/new/", _form(units, role="handler")).content.decode()
    assert "角色与单位不符" in page
    page = client.post("/accounts/users/new/", _form(units, password="123")).content.decode()
    assert "zhou" not in {u.username for u in get_user_model().objects.all()}
    assert "密码" in page


def test_the_data_administrator_cannot_lock_itself_out(client, ivan, units):
    data = _form(units, username="ivan", display_name="伊管理员", unit=units["procuratorate"].pk, role="handler",
                 password="")
    page = client.post(f"/accounts/users/{ivan.profile.pk}/", data, follow=True).content.decode()
    assert "不能停用自己的账号或修改自己的角色" in page
    ivan.refresh_from_db()
    assert ivan.profile.role == "data_admin"


def test_units_are_added_and_switched_off_not_deleted(client, ivan, units):
    assert client.post("/accounts/units/new/", {"code": "town_junxi", "name": "均溪镇人民政府", "active": "on"}
                       ).status_code == 302
    town = Unit.objects.get(code="town_junxi")
    client.post(f"/accounts/units/{town.pk}/", {"code": "ignored", "name": "均溪镇政府"})
    town.refresh_from_db()
    assert (town.code, town.name, town.active) == ("town_junxi", "均溪镇政府", False)
    page = client.post(f"/accounts/units/{units['procuratorate'].pk}/", {"name": "检察院"}).content.decode()
    assert "检察院不能停用" in page


def test_a_user_of_a_switched_off_unit_can_do_nothing(client, units, personas):
    units["civil_affairs"].active = False
    units["civil_affairs"].save()
    client.force_login(personas["frank"])
    assert client.get("/referrals/").status_code == 403


@pytest.mark.parametrize("name", ["alice", "bob", "dave", "erin", "frank"])
def test_only_the_data_administrator(client, personas, name):
    client.force_login(personas[name])
    for url in ("/accounts/users/", "/accounts/users/new/", "/accounts/units/", "/accounts/settings/"):
        assert client.get(url).status_code == 403
