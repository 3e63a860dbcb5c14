from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments and loan servicing"

    def ready(self):
        # Declares the payment-request lifecycle and registers its guards and effects.
        from . import workflow  # noqa: F401
