"""Factories and setup helpers for merit-review tests."""

import datetime as dt

import factory
from django.utils import timezone

from applications.choices import ApplicationStatus
from reviews.choices import AssignmentStatus
from reviews.models import CriterionScore, ReviewAssignment
from reviews.scoring import weighted_score
from tests.factories import ApplicationFactory, UserFactory


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment written directly (fixture, not the service); ``status`` as given."""

    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.UNDER_REVIEW)
    reviewer = factory.SubFactory(UserFactory, reviewer=True)
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    status = AssignmentStatus.PENDING_COI


def submitted_review(application, reviewer, scores: list[int | None] | None = None, *,
                     score=None, submitted_at=None) -> ReviewAssignment:
    """A submitted review written directly: per-criterion ``scores`` in rubric order (the
    0-100 score computed from them), or just a ready-made 0-100 ``score``."""
    a = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, status=AssignmentStatus.SUBMITTED,
        due_at=timezone.now() + dt.timedelta(days=14), has_conflict=False,
        submitted_at=submitted_at or timezone.now(),
    )
    rubric = list(application.opportunity.rubric.all())
    if scores is not None:
        CriterionScore.objects.bulk_create(
            CriterionScore(assignment=a, criterion=c, score=s) for c, s in zip(rubric, scores, strict=True))
        score = weighted_score((c.weight, s) for c, s in zip(rubric, scores, strict=True))
    a.score = score
    a.save(update_fields=["score"])
    return a


def reviewers(n: int) -> list:
    return [UserFactory(reviewer=True) for _ in range(n)]
