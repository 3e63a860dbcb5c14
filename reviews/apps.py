from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Merit review"

    def ready(self):
        # Registers the reviews.* guards and effects the workflow tables name.
        from . import effects, guards  # noqa: F401
