"""WSGI entry point for `omstil serve` and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omstil.settings")
application = get_wsgi_application()
