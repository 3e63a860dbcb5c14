"""Regression tests from the review of the reviews app."""

from unittest import mock

import pytest

from applications.choices import ApplicationStatus
from reviews import services
from tests.factories import ApplicationFactory, OpportunityFactory, UserFactory
from tests.reviews.factories import reviewers

pytestmark = pytest.mark.django_db


def test_a_failing_assignment_notification_neither_errors_nor_skips_the_others(
        django_capture_on_commit_callbacks):
    opp = OpportunityFactory()
    ApplicationFactory(opportunity=opp, status=ApplicationStatus.SCREENING)
    pool = reviewers(2)
    notified = []

    def notify(*, assignment):
        notified.append(assignment.reviewer_id)
        if len(notified) == 1:
            raise RuntimeError("template missing")

    with mock.patch("notifications.services.review_assignment_notify", side_effect=notify), \
            django_capture_on_commit_callbacks(execute=True):
        result = services.assignments_auto_assign(
            actor=UserFactory(officer=True), opportunity=opp, per_application=2, cap_per_reviewer=5)

    assert len(result.created) == 2
    assert sorted(notified) == sorted(r.pk for r in pool)
