"""Start Django for commands that need the case database."""

from __future__ import annotations

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.app.settings")
    # here, not at the top: Django is set up first, and only by commands that need it
    import django

    django.setup()
