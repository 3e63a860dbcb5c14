"""Enumerations for notifications."""

from django.db import models


class NotificationKind(models.TextChoices):
    """What a notification is about. Deadline reminders and escalations are mandatory."""

    REMINDER = "reminder", "Deadline reminder"
    ESCALATION = "escalation", "Overdue deadline escalation"
    APPLICATION_STATUS = "application_status", "Status changes of my organizations' applications"
    NEW_SUBMISSION = "new_submission", "New and revised submissions to my opportunities"
    REVIEW_ASSIGNED = "review_assigned", "New review assignments"
    # Money on awards (payments app): requests to decide, decisions, loan delinquency.
    PAYMENT_REQUEST = "payment_request", "Payment requests and their decisions"
    LOAN_DELINQUENCY = "loan_delinquency", "Loan delinquency"


# Users may turn these off (NotificationPreference); deadline reminders cannot be turned off.
OPTIONAL_KINDS = (
    NotificationKind.APPLICATION_STATUS,
    NotificationKind.NEW_SUBMISSION,
    NotificationKind.REVIEW_ASSIGNED,
)
MANDATORY_KINDS = (NotificationKind.REMINDER, NotificationKind.ESCALATION, NotificationKind.PAYMENT_REQUEST,
                   NotificationKind.LOAN_DELINQUENCY)

# ReminderLog.offset_hours value that means "once the deadline has passed".
OVERDUE = 0
