from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Awards"

    def ready(self):
        # checks registers awards.W001 (WeasyPrint without HarfBuzz subsetting is ~7x
        # slower); workflow registers the award and letter lifecycles and their guards/effects.
        from dpa_funding import lifecycle

        from . import checks, notices, workflow  # noqa: F401

        lifecycle.transitioned.connect(notices.on_award_transitioned, dispatch_uid="awards.notices")
