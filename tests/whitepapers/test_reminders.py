"""Reminders of a two-step solicitation: white papers closing (to AORs with a draft white
paper) and the full proposal due (to the organization's members, until the full
application is submitted); each at most once, like every other deadline kind."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from applications.choices import DocumentKind
from applications.services import application_create, application_transition
from notifications.models import ReminderLog
from tests.factories import ApplicationFactory, DocumentFactory
from tests.notifications.conftest import DEADLINE, keys

from .helpers import aor_for, contributor_of, draft, encouraged, two_step_opportunity

pytestmark = pytest.mark.django_db
D, H = dt.timedelta(days=1), dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _reminder_settings(settings, celery_eager):
    settings.REMINDER_OFFSETS_HOURS = [168, 24]
    settings.NOTIFICATION_REMINDER_GRACE_HOURS = 24
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def sweep_at(django_capture_on_commit_callbacks):
    from notifications.services import reminders_sweep

    def run(moment):
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            return reminders_sweep()

    return run


def test_white_paper_closing_reminds_aors_with_drafts_once_per_offset(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        opp = two_step_opportunity(opens_at=DEADLINE - 20 * D, white_paper_closes_at=DEADLINE,
                                   closes_at=DEADLINE + 60 * D)
        wp = draft(opportunity=opp)
        contributor_of(wp.organization)  # contributors cannot submit: not reminded
        done = draft(opportunity=opp)
        from whitepapers.services import white_paper_transition

        white_paper_transition(white_paper_id=done.pk, name="submit", actor=aor_for(done))
    aor = aor_for(wp)
    for delta, expected in [
        (-7 * D, {("white_paper_closing", opp.pk, aor.pk, 168, False)}),
        (-7 * D + H, set()),
        (-24 * H, {("white_paper_closing", opp.pk, aor.pk, 24, False)}),
        (-23 * H, set()),
        (0 * H, {("white_paper_closing", opp.pk, aor.pk, 0, False)}),
        (2 * H, set()),
    ]:
        assert keys(sweep_at(DEADLINE + delta)) == expected, delta
    assert "white papers" in mail.outbox[0].subject.lower()
    assert ReminderLog.objects.filter(deadline_kind="white_paper_closing").count() == 3


def test_two_step_closes_at_reminds_nobody_of_opportunity_closing(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        opp = two_step_opportunity(opens_at=DEADLINE - 20 * D, white_paper_closes_at=DEADLINE - 9 * D,
                                   closes_at=DEADLINE)
        ApplicationFactory(opportunity=opp)  # a draft (say, from an encouraged paper)
    assert not [s for s in sweep_at(DEADLINE - 24 * H) if s.kind == "opportunity_closing"]


def test_proposal_due_reminds_members_until_the_full_application_is_submitted(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        wp = encouraged(due=DEADLINE)
        contributor = contributor_of(wp.organization)
    aor = aor_for(wp)
    first = keys(sweep_at(DEADLINE - 7 * D))
    assert first == {("proposal_due", wp.pk, aor.pk, 168, False), ("proposal_due", wp.pk, contributor.pk, 168, False)}
    assert sweep_at(DEADLINE - 7 * D + H) == []  # at most once
    with time_machine.travel(DEADLINE - 2 * D, tick=False):
        app = application_create(actor=aor, opportunity=wp.opportunity, organization=wp.organization,
                                 project=wp.project, white_paper=wp, title="Full proposal", instrument="grant",
                                 federal_amount_requested="10000000.00", cost_share_amount="10000000.00",
                                 period_start=dt.date(2027, 1, 1), period_end=dt.date(2029, 12, 31),
                                 summary="Build it.", budget={"equipment": "20000000.00"})
    # A draft does not stop the reminders ...
    assert {k[3] for k in keys(sweep_at(DEADLINE - 24 * H))} == {24}
    with time_machine.travel(DEADLINE - 20 * H, tick=False):
        for kind in (DocumentKind.TECHNICAL_REPORT, DocumentKind.BUDGET_JUSTIFICATION):
            DocumentFactory(application=app, kind=kind, uploaded_by=aor)
        application_transition(application_id=app.pk, name="submit", actor=aor)
    # ... its submission does.
    assert sweep_at(DEADLINE) == []

