"""Enumerations for merit review."""

from django.db import models


class AssignmentStatus(models.TextChoices):
    PENDING_COI = "pending_coi", "Awaiting conflict-of-interest certification"
    ACTIVE = "active", "Active"
    RECUSED = "recused", "Recused (conflict declared)"
    SUBMITTED = "submitted", "Submitted"
    DECLINED = "declined", "Declined"


# Assignments that count toward min_reviewers when opening review.
NOT_RECUSED = (AssignmentStatus.PENDING_COI, AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED)
SCORE_MIN, SCORE_MAX = 1, 5
