"""Login throttling: django-axes' check before the ordinary password check; the signed-in user with its profile."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ThrottledLogins(AxesStandaloneBackend):
    """Every login through a page (the login form, the admin's) is counted and refused while locked out.

    A call without a request (the test client's `login()`, a management command) has no address to count by:
    it is left to the next backend instead of failing, as axes' own backend would."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class Accounts(ModelBackend):
    """Django's password check; the signed-in user of each request is read with its profile and unit in one
    query (every page asks for both: the menu, the scope of each list, the log line)."""

    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("profile__unit").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
