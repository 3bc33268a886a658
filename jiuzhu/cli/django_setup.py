"""Start Django for commands that need the case database."""

from __future__ import annotations

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.app.settings")
    # here, not at the top: Django is set up first, and only by commands that need it
    import django
    from django.apps import apps
    from django.conf import settings

    if not apps.ready:
        # The app `ninja` only lends the API docs page its Swagger files, served by the web processes (their
        # own settings); loading it costs a command ≈ 0.15 CPU s (pydantic, django.test).
        settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "ninja"]
    django.setup()
