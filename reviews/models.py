"""Reviewer assignments, conflict-of-interest certification and rubric scores."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from applications.models import Application, RubricCriterion
from dpa_funding.querysets import RestrictedQuerySet

from .choices import SCORE_MAX, SCORE_MIN, AssignmentStatus
from .querysets import ReviewAssignmentQuerySet


class ReviewAssignment(models.Model):
    """One reviewer's review of one application, from COI certification to submission."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING_COI, db_index=True
    )
    has_conflict = models.BooleanField(null=True, blank=True)
    coi_statement = models.TextField(blank=True)
    coi_certified_at = models.DateTimeField(null=True, blank=True)
    overall_comment = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    # Cached 0-100 score written once at submission (submitted reviews are immutable).
    score = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="unique_reviewer_per_application"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"])]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.application_id} ({self.status})"


class CriterionScore(models.Model):
    """A reviewer's score (1-5, or null for n/a where allowed) and comment on one criterion."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="unique_score_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {'n/a' if self.score is None else self.score}"
