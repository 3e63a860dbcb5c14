"""Enumerations for the awards app."""

from django.db import models


class AwardStatus(models.TextChoices):
    PENDING_ACCEPTANCE = "pending_acceptance", "Pending acceptance"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    RESCINDED = "rescinded", "Rescinded"
    CLOSEOUT = "closeout", "In closeout"
    CLOSED = "closed", "Closed"


class LetterStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    # Awards imported from public announcements: issued elsewhere, no letter in this system.
    IMPORTED = "imported", "Imported (no letter in this system)"


class PaymentFrequency(models.TextChoices):
    # Values are the keys of awards.schedule.PERIODS_PER_YEAR.
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Semiannual"
    ANNUAL = "annual", "Annual"
