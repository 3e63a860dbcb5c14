"""Setup helpers for notification tests: review assignments and awards written directly."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.choices import ApplicationStatus
from applications.models import Application
from awards.choices import AwardStatus
from awards.models import Award
from reviews.choices import AssignmentStatus
from reviews.models import ReviewAssignment
from tests.factories import ApplicationFactory, UserFactory

_award_seq = iter(range(1, 10_000))


def assignment(*, due_at, status=AssignmentStatus.PENDING_COI, application=None, reviewer=None,
               officers=()) -> ReviewAssignment:
    if application is None:
        application = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    if officers:
        application.opportunity.program_officers.set(officers)
    return ReviewAssignment.objects.create(
        application=application, reviewer=reviewer or UserFactory(reviewer=True),
        due_at=due_at, status=status)


def award(*, acceptance_due_at, status=AwardStatus.PENDING_ACCEPTANCE, application=None) -> Award:
    if application is None:
        application = ApplicationFactory(status=ApplicationStatus.AWARDED)
    seq = next(_award_seq)
    return Award.objects.create(
        application=application, award_number=f"DPA3-FY27-{seq:04d}", fiscal_year=2027, sequence=seq,
        instrument=application.instrument, federal_amount=Decimal("10000000.00"),
        cost_share_amount=Decimal("10000000.00"), period_start=timezone.localdate(),
        period_end=timezone.localdate() + dt.timedelta(days=3 * 365), terms_version=1,
        issued_by=UserFactory(officer=True), issued_at=timezone.now(),
        acceptance_due_at=acceptance_due_at, status=status)


def revision_requested(*, due, **kwargs) -> Application:
    """An application returned for revision with response_due_at ``due`` (written directly)."""
    app = ApplicationFactory(status=ApplicationStatus.REVISION_REQUESTED, **kwargs)
    Application.objects.filter(pk=app.pk).update(response_due_at=due)
    return Application.objects.get(pk=app.pk)
