"""The Celery application.

Configuration comes from Django settings under the ``CELERY_`` namespace, read once when a
worker or the web process starts. Tests switch eager mode on ``celery_app.conf`` directly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpa_funding.settings.local")

app = Celery("dpa_funding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
