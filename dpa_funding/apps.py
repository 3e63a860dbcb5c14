from django.apps import AppConfig


class DpaFundingConfig(AppConfig):
    """The project package as an app: the policy's system checks and the
    ``{% load policy %}`` template tags."""

    name = "dpa_funding"
    verbose_name = "DPA Title III funding"

    def ready(self):
        # Importing registers the system checks of the policy (policy.E001) and of the
        # lifecycle tables (lifecycle.E001-E003).
        from . import lifecycle, policy  # noqa: F401
