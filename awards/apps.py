from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Awards"

    def ready(self):
        # checks registers awards.W001 (WeasyPrint without HarfBuzz subsetting is ~7x
        # slower); workflow registers the award and letter lifecycles and their guards/effects.
        from . import checks, workflow  # noqa: F401
