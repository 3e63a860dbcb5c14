from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self):
        # Every model of the project's own apps is audited unless it opts out (see registry);
        # wiring happens once all apps are loaded so models added by any app are covered.
        from . import admin_log, registry

        registry.register_project_models()
        admin_log.connect()
