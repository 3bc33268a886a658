"""WSGI entry point (`jiuzhu serve` and the systemd unit run it under gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.app.settings")
application = get_wsgi_application()
