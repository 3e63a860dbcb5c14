from django.apps import AppConfig


class ExclusionsConfig(AppConfig):
    name = "exclusions"
    verbose_name = "SAM.gov exclusions (responsibility checks before award)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the exclusions.* guard and effects the application workflow names.
        from . import guards  # noqa: F401
