from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Awards"

    def ready(self):
        # Registers awards.W001: WeasyPrint without HarfBuzz subsetting is ~7x slower.
        # Registers the awards.* guards and effects the workflow tables name.
        from . import (
            checks,  # noqa: F401
            guards,  # noqa: F401
        )
