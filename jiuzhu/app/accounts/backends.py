"""Login throttling: django-axes' check before the ordinary password check."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class ThrottledLogins(AxesStandaloneBackend):
    """Every login through a page (the login form, the admin's) is counted and refused while locked out.

    A call without a request (the test client's `login()`, a management command) has no address to count by:
    it is left to the next backend instead of failing, as axes' own backend would."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
