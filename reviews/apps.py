from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Merit review"

    def ready(self):
        # Registers the review-assignment lifecycle and the reviews.* guards and effects.
        from . import workflow  # noqa: F401
