"""Regression tests from the review of the notifications app."""

import datetime as dt

import pytest

from accounts.choices import Role
from notifications.models import Notification
from reviews.choices import AssignmentStatus
from tests.factories import UserFactory
from tests.notifications.conftest import DEADLINE
from tests.notifications.factories import assignment

pytestmark = pytest.mark.django_db


def test_overdue_review_escalation_skips_listed_users_who_are_no_longer_officers(sweep_at):
    officer = UserFactory(officer=True)
    former = UserFactory(officer=True)
    a = assignment(due_at=DEADLINE, status=AssignmentStatus.ACTIVE, officers=[officer, former])
    former.role = Role.APPLICANT  # left the program office; still listed on the opportunity
    former.save(update_fields=["role"])

    sweep_at(DEADLINE + dt.timedelta(hours=1))

    escalated = set(Notification.objects.filter(kind="escalation", object_id=a.pk)
                    .values_list("recipient_id", flat=True))
    assert escalated == {officer.pk}


def test_reviewers_are_not_chased_while_the_application_is_back_for_revision(sweep_at):
    from applications.choices import ApplicationStatus
    from tests.factories import ApplicationFactory, set_status

    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    a = assignment(due_at=DEADLINE, status=AssignmentStatus.PENDING_COI, application=app)
    set_status(app, ApplicationStatus.REVISION_REQUESTED)

    assert sweep_at(DEADLINE - dt.timedelta(hours=12)) == []
    assert not Notification.objects.filter(object_id=a.pk).exists()

    set_status(app, ApplicationStatus.SCREENING)  # resubmitted and back in screening
    sent = sweep_at(DEADLINE - dt.timedelta(hours=11))
    assert [s.recipient_id for s in sent] == [a.reviewer_id]
