"""Enumerations for webhooks."""

from django.db import models


class EventType(models.TextChoices):
    """What an organization's endpoint can subscribe to."""

    APPLICATION_STATUS_CHANGED = "application.status_changed", "Application status changed"
    AWARD_ISSUED = "award.issued", "Award issued"
    DEADLINE_DUE = "deadline.due", "Report or milestone due"
    PAYMENT_REQUEST_DECIDED = "payment_request.decided", "Payment request decided"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"
