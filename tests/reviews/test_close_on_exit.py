"""An application that leaves review for good releases its outstanding reviewers, so they
are no longer chased by due-date reminders; submitted reviews stay as they are."""

import pytest

from applications.choices import ApplicationStatus
from applications.models import TransitionLog
from applications.services import application_transition
from reviews.choices import AssignmentStatus
from reviews.models import ReviewAssignment
from tests.factories import ApplicationFactory, UserFactory, aor_of
from tests.reviews.factories import ReviewAssignmentFactory, submitted_review

pytestmark = pytest.mark.django_db


def _assignments(app):
    pending = ReviewAssignmentFactory(application=app, status=AssignmentStatus.PENDING_COI)
    active = ReviewAssignmentFactory(application=app, status=AssignmentStatus.ACTIVE)
    done = submitted_review(app, UserFactory(reviewer=True), score=80)
    return pending, active, done


def test_withdrawing_under_review_closes_outstanding_assignments_only():
    app = ApplicationFactory(ready=True, status=ApplicationStatus.UNDER_REVIEW)
    pending, active, done = _assignments(app)
    application_transition(application_id=app.pk, name="withdraw", actor=aor_of(app.organization))

    statuses = dict(ReviewAssignment.objects.filter(application=app).values_list("pk", "status"))
    assert statuses == {pending.pk: AssignmentStatus.DECLINED, active.pk: AssignmentStatus.DECLINED,
                        done.pk: AssignmentStatus.SUBMITTED}
    closed = TransitionLog.objects.filter(transition="close").order_by("object_id")
    assert [row.object_id for row in closed] == sorted([pending.pk, active.pk])
    assert all(row.actor_id is None and "withdrew" in row.comment for row in closed)


def test_marking_ineligible_in_screening_closes_assignments_made_during_screening():
    app = ApplicationFactory(ready=True, status=ApplicationStatus.SCREENING)
    pending = ReviewAssignmentFactory(application=app, status=AssignmentStatus.PENDING_COI)
    application_transition(application_id=app.pk, name="mark_ineligible", actor=UserFactory(officer=True),
                           data={"comment": "Project is outside the United States."})
    pending.refresh_from_db()
    assert pending.status == AssignmentStatus.DECLINED
    assert "ineligible" in pending.decline_reason
