from django.apps import AppConfig


class DpaFundingConfig(AppConfig):
    """The project package as an app: the policy's system checks and the
    ``{% load policy %}`` template tags."""

    name = "dpa_funding"
    verbose_name = "DPA Title III funding"

    def ready(self):
        # Importing registers the policy's system check (policy.E001).
        from . import policy  # noqa: F401
