"""The data administrator without a back door (issue 13), written as the attack on the demo at 44b473a:
the admin showed every case, clue and referral with full ID numbers, and let the data administrator,
a superuser, edit referral answers and delete cases, payments, approvals and timeline events."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from jiuzhu.app.accounts.admin_policy import ADMIN_MODELS, PERSONAL_MODELS
from jiuzhu.app.accounts.models import Profile
from tests.fixtures.cases import PERSON_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def ivan(units):
    user = get_user_model().objects.create_user("ivan", is_staff=True)
    Profile.objects.create(user=user, unit=units["procuratorate"], role="data_admin", display_name="伊管理员")
    return user


def test_demo_data_administrator_is_not_a_superuser(db):
    from jiuzhu.app.accounts.demo import create_demo_users

    create_demo_users()
    User = get_user_model()
    assert not User.objects.filter(is_superuser=True).exists()
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["admin_data"]


def test_every_admin_page_is_a_decision():
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered <= ADMIN_MODELS, f"add these to accounts/admin_policy.py ADMIN_MODELS or PERSONAL_MODELS: " \
                                       f"{sorted(registered - ADMIN_MODELS)}"
    assert not registered & PERSONAL_MODELS


def test_admin_shows_no_full_id_to_the_data_administrator(client, ivan, case_at, people):
    case = case_at("paid")  # a case with a person, report, approvals, payment, timeline, audit rows
    client.force_login(ivan)
    index = client.get("/admin/")
    assert index.status_code == 200
    pages = [index]
    for model in list(admin.site._registry):
        meta = model._meta
        pages.append(client.get(f"/admin/{meta.app_label}/{meta.model_name}/"))
        for pk in model.objects.values_list("pk", flat=True)[:50]:
            pages.append(client.get(f"/admin/{meta.app_label}/{meta.model_name}/{pk}/change/"))
    assert all(p.status_code == 200 for p in pages)
    assert len(pages) > 20
    for page in pages:
        text = page.content.decode()
        assert PERSON_ID not in text and case.person_name not in text
    for label in ("case", "payment", "approval", "timelineevent", "decision"):
        assert client.get(f"/admin/casework/{label}/").status_code == 404
    assert client.get("/admin/clues/clue/").status_code == 404
    assert client.get("/admin/referrals/referral/").status_code == 404
    assert client.get("/admin/auth/user/").status_code == 404  # no way to make anyone a superuser


def test_nothing_is_deleted_through_the_admin(client, ivan, units):
    client.force_login(ivan)
    for model_admin in admin.site._registry.values():
        assert not model_admin.has_delete_permission(type("R", (), {"user": ivan})())
    unit = units["court"]
    response = client.post(f"/admin/accounts/unit/{unit.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert client.post("/admin/accounts/auditevent/", {"action": "delete_selected",
                                                       "_selected_action": ["1"]}).status_code in (200, 302)
    unit.refresh_from_db()


def test_audit_entries_cannot_be_changed_or_added(client, ivan):
    from jiuzhu.app.accounts import audit

    event = audit.record(None, "view", object_type="t", object_id="1")
    client.force_login(ivan)
    assert client.post(f"/admin/accounts/auditevent/{event.pk}/change/", {"username": "y"}).status_code == 403
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403
    event.refresh_from_db()
    assert event.username.startswith("cli")


def test_a_superuser_without_the_role_and_other_roles_stay_out(client, personas):
    root = get_user_model().objects.create_superuser("root", password="correct-horse-9")
    for user in (root, personas["bob"], personas["dave"]):
        client.force_login(user)
        response = client.get("/admin/config/timelimit/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
