"""WSGI entry point (gunicorn dpa_funding.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpa_funding.settings.production")
application = get_wsgi_application()
