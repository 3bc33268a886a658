"""The menu is worked out once per process for each role key (web/menu.py): it must never show one role's
entries to another, nor to a user whose unit or account was switched off since."""

from __future__ import annotations

import pytest

from jiuzhu.app.web import menu

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(monkeypatch):
    monkeypatch.setattr(menu, "_MENUS", {})


def _fresh(user) -> list[tuple[str, str]]:
    """The menu as worked out without the cache."""
    return menu._entries(user) if menu.policy.role_key(user) is not None else []


def test_every_persona_gets_its_own_menu_in_any_order(personas):
    order = list(personas.values())
    expected = {u.username: _fresh(u) for u in order}
    assert len({tuple(v) for v in expected.values()}) >= 4  # the personas' menus do differ
    for user in order + order[::-1] + order:
        assert menu.menu_for(user) == expected[user.username], user.username


def test_handler_and_liaison_do_not_share_entries(personas):
    alice, frank = personas["alice"], personas["frank"]
    handler, liaison = menu.menu_for(alice), menu.menu_for(frank)
    assert handler == _fresh(alice) and liaison == _fresh(frank)
    assert ("待我审批", "/casework/approvals/") not in handler + liaison  # a head's, not theirs
    assert set(handler) != set(liaison)
    assert ("待我审批", "/casework/approvals/") in menu.menu_for(personas["bob"])
    assert menu.menu_for(alice) == handler and menu.menu_for(frank) == liaison


def test_a_switched_off_unit_or_account_gets_no_cached_entries(personas):
    frank, grace = personas["frank"], personas["grace"]
    assert menu.menu_for(frank)  # cached for an active liaison of an active partner unit
    grace.profile.unit.active = False
    grace.profile.unit.save()
    assert menu.menu_for(grace) == _fresh(grace) == []
    frank.is_active = False
    assert menu.menu_for(frank) == _fresh(frank) == []


def test_no_profile_no_menu(db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    assert menu.menu_for(AnonymousUser()) == []
    assert menu.menu_for(get_user_model().objects.create_user("x", password="correct-horse-9")) == []
