from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations: outbox, health, metrics, backups"

    def ready(self):
        from . import signals  # noqa: F401  (Celery request-id propagation, metrics hooks)
