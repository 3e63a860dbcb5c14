from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "External sign-in (login.gov)"
    default_auto_field = "django.db.models.BigAutoField"
