"""The 职责清单 in the admin: kinds as check boxes, limits chosen from the configured rows; a kind may be on
several lists (the procurator then chooses the unit)."""

from __future__ import annotations

import pytest

from jiuzhu.app.config.admin import ResponsibilityListForm
from jiuzhu.app.config.models import ResponsibilityList

pytestmark = pytest.mark.django_db


def _data(duties: ResponsibilityList, **change) -> dict:
    data = {"unit": duties.unit_id, "kinds": list(duties.kinds), "duties": "", "liaisons": [], "leader": "",
            "receipt_limit_code": duties.receipt_limit_code, "answer_limit_code": duties.answer_limit_code,
            "active": "on"}
    return data | change


def test_limit_choices_are_the_configured_rows(units):
    form = ResponsibilityListForm(instance=ResponsibilityList.objects.get(unit=units["education"]))
    codes = [c for c, _ in form.fields["answer_limit_code"].choices]
    assert {"referral_receipt", "referral_answer", "referral_answer_rural"} <= set(codes)
    assert "follow_up_first" not in codes  # counted in months, not a referral limit


def test_kind_taken_by_another_unit_too_is_saved(units):
    duties = ResponsibilityList.objects.get(unit=units["human_resources"])
    form = ResponsibilityListForm(_data(duties, kinds=[*duties.kinds, "dibao"]), instance=duties)
    assert form.is_valid(), form.errors


def test_moving_a_kind_saves(units):
    duties = ResponsibilityList.objects.get(unit=units["education"])
    form = ResponsibilityListForm(_data(duties, kinds=["school_transfer"], answer_limit_code="referral_answer_rural"),
                                  instance=duties)
    assert form.is_valid(), form.errors
    form.save()
    duties.refresh_from_db()
    assert (duties.kinds, duties.answer_limit_code) == (["school_transfer"], "referral_answer_rural")


def test_admin_page_opens_for_the_data_administrator(client, units):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile

    admin = get_user_model().objects.create_user("ivan", password="correct-horse-9", is_staff=True)
    Profile.objects.create(user=admin, unit=units["procuratorate"], role="data_admin", display_name="伊管理员")
    client.force_login(admin)
    page = client.get(
        f"/admin/config/responsibilitylist/{ResponsibilityList.objects.get(unit=units['civil_affairs']).pk}/change/"
    )
    assert page.status_code == 200
    assert "承接事项" in page.content.decode() and "事实无人抚养儿童认定" in page.content.decode()
    assert client.get("/admin/config/responsibilitylist/").status_code == 200
