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
