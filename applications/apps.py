from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_reference_data(sender, using="default", **kwargs):
    from .models import Mineral
    from .reference import ensure_critical_minerals

    if Mineral._meta.db_table in connections[using].introspection.table_names():
        ensure_critical_minerals(Mineral)


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications"

    def ready(self):
        # A flush (transactional tests, `manage.py flush`) empties reference tables; put the
        # critical-minerals list back as Django does for content types.
        post_migrate.connect(_ensure_reference_data, sender=self)
        # Registers the application lifecycle and its guards and effects.
        from . import workflow  # noqa: F401
