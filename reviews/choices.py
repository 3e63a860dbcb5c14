"""Enumerations for merit review."""

from django.db import models


class AssignmentStatus(models.TextChoices):
    PENDING_COI = "pending_coi", "Awaiting conflict-of-interest certification"
    ACTIVE = "active", "Active"
    RECUSED = "recused", "Recused (conflict declared)"
    SUBMITTED = "submitted", "Submitted"
    DECLINED = "declined", "Declined"


# Assignments that count toward min_reviewers when opening review, and toward a reviewer's
# load in automatic assignment.
NOT_RECUSED = (AssignmentStatus.PENDING_COI, AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED)
# Assignments whose review is still owed: they block complete_review. A pending_coi
# assignment counts as outstanding because its reviewer may still certify and review; the
# reviewer (or an officer) must decline it to release the application.
OUTSTANDING = (AssignmentStatus.PENDING_COI, AssignmentStatus.ACTIVE)
# Assignments that let the reviewer read the application (applications.selectors mirrors it).
ACCESS_STATES = (AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED)
SCORE_MIN, SCORE_MAX = 1, 5
