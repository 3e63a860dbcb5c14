"""The reminder sweep across the clock: each reminder once per offset, windows, state changes,
escalation, moved deadlines."""

import datetime as dt

import pytest
import time_machine

from accounts.choices import MemberRole
from applications.choices import ApplicationStatus
from awards.choices import AwardStatus
from notifications.models import Notification, ReminderLog
from notifications.reminders import windows
from reviews.choices import AssignmentStatus
from reviews.models import ReviewAssignment
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    OpportunityFactory,
    UserFactory,
    aor_of,
    set_status,
)

from .conftest import DEADLINE, keys
from .factories import assignment, award, revision_requested

pytestmark = pytest.mark.django_db
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)


def test_review_reminder_is_sent_once_at_each_offset_and_overdue_escalates_once(sweep_at):
    officer = UserFactory(officer=True)
    UserFactory(officer=True)  # not on this opportunity: never escalated to
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        a = assignment(due_at=DEADLINE, officers=[officer])
    r = a.reviewer_id
    timeline = [
        (-8 * D, set()),
        (-7 * D - dt.timedelta(minutes=1), set()),
        (-7 * D, {("review_due", a.pk, r, 168, False)}),
        (-7 * D + 5 * dt.timedelta(minutes=1), set()),
        (-6 * D, set()),
        (-3 * D, set()),
        (-24 * H, {("review_due", a.pk, r, 24, False)}),
        (-23 * H, set()),
        (-1 * H, set()),
        (0 * H, {("review_due", a.pk, r, 0, False), ("review_due", a.pk, officer.pk, 0, True)}),
        (1 * H, set()),
        (3 * D, set()),
    ]
    for delta, expected in timeline:
        assert keys(sweep_at(DEADLINE + delta)) == expected, delta
    assert ReminderLog.objects.count() == 4
    assert Notification.objects.filter(recipient_id=r).count() == 3
    assert Notification.objects.get(recipient=officer).kind == "escalation"


def test_a_window_missed_before_the_object_existed_is_not_sent_late(sweep_at):
    with time_machine.travel(DEADLINE - 6 * D - 12 * H, tick=False):
        recent = assignment(due_at=DEADLINE)  # inside the 7-day window's grace: still sent
    assert keys(sweep_at(DEADLINE - 6 * D - 11 * H)) == {("review_due", recent.pk, recent.reviewer_id, 168, False)}
    with time_machine.travel(DEADLINE - 3 * D, tick=False):
        late = assignment(due_at=DEADLINE)  # assigned after the 7-day window closed
    assert sweep_at(DEADLINE - 3 * D) == []
    assert keys(sweep_at(DEADLINE - 20 * H)) == {
        ("review_due", late.pk, late.reviewer_id, 24, False),
        ("review_due", recent.pk, recent.reviewer_id, 24, False),
    }
    assert not ReminderLog.objects.filter(object_id=late.pk, offset_hours=168).exists()


def test_overdue_notice_is_not_sent_days_after_the_grace_period(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        assignment(due_at=DEADLINE)
    assert sweep_at(DEADLINE + 2 * D) == []


def test_windows_are_disjoint_and_bounded_by_the_next_offset():
    now = DEADLINE
    (o1, lo1, hi1), (o2, lo2, hi2), (o3, lo3, hi3) = windows(now)
    assert (o1, o2, o3) == (168, 24, 0)
    assert (lo1, hi1) == (now + 144 * H, now + 168 * H)
    assert (lo2, hi2) == (now, now + 24 * H)
    assert (lo3, hi3) == (now - 24 * H, now)


def test_no_review_reminder_after_the_review_is_submitted_or_recused(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        submitted = assignment(due_at=DEADLINE, status=AssignmentStatus.ACTIVE)
        recused = assignment(due_at=DEADLINE)
        active = assignment(due_at=DEADLINE, status=AssignmentStatus.ACTIVE)
    assert len(sweep_at(DEADLINE - 7 * D + H)) == 3
    ReviewAssignment.objects.filter(pk=submitted.pk).update(status=AssignmentStatus.SUBMITTED)
    ReviewAssignment.objects.filter(pk=recused.pk).update(status=AssignmentStatus.RECUSED)
    assert {s.object_id for s in sweep_at(DEADLINE - 23 * H)} == {active.pk}
    assert {s.object_id for s in sweep_at(DEADLINE + H) if not s.escalation} == {active.pk}


def test_revision_reminders_go_to_all_members_and_stop_once_resubmitted(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        app = revision_requested(due=DEADLINE)
        contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
        other_app = revision_requested(due=DEADLINE)
    aor = aor_of(app.organization)
    sent = sweep_at(DEADLINE - 7 * D + H)
    assert {(s.object_id, s.recipient_id) for s in sent} == {
        (app.pk, aor.pk), (app.pk, contributor.pk), (other_app.pk, aor_of(other_app.organization).pk)}
    set_status(app, ApplicationStatus.SUBMITTED)  # resubmitted
    assert {s.object_id for s in sweep_at(DEADLINE - 23 * H)} == {other_app.pk}
    assert {s.object_id for s in sweep_at(DEADLINE + H)} == {other_app.pk}
    assert not any(s.escalation for s in ReminderLog.objects.all())


def test_a_moved_deadline_gets_its_own_reminders(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        a = assignment(due_at=DEADLINE)
    assert len(sweep_at(DEADLINE - 23 * H)) == 1
    ReviewAssignment.objects.filter(pk=a.pk).update(due_at=DEADLINE + 2 * D)  # extended
    assert sweep_at(DEADLINE - 22 * H) == []
    assert keys(sweep_at(DEADLINE + D + H)) == {("review_due", a.pk, a.reviewer_id, 24, False)}


def test_opportunity_closing_reminds_each_aor_with_a_draft_once_per_offset(sweep_at):
    with time_machine.travel(DEADLINE - 20 * D, tick=False):
        opp = OpportunityFactory(closes_at=DEADLINE)
        two_drafts = ApplicationFactory(opportunity=opp)
        ApplicationFactory(opportunity=opp, organization=two_drafts.organization)
        MembershipFactory(organization=two_drafts.organization, role=MemberRole.CONTRIBUTOR)
        submitted = ApplicationFactory(opportunity=opp, status=ApplicationStatus.SUBMITTED)
        ApplicationFactory(organization=submitted.organization)  # a draft in another opportunity
    aor = aor_of(two_drafts.organization)
    assert keys(sweep_at(DEADLINE - 7 * D + H)) == {("opportunity_closing", opp.pk, aor.pk, 168, False)}
    assert sweep_at(DEADLINE - 7 * D + 2 * H) == []
    # An organization that starts a draft inside the open window still gets that window's reminder.
    with time_machine.travel(DEADLINE - 7 * D + 3 * H, tick=False):
        newcomer = ApplicationFactory(opportunity=opp)
    assert keys(sweep_at(DEADLINE - 7 * D + 4 * H)) == {
        ("opportunity_closing", opp.pk, aor_of(newcomer.organization).pk, 168, False)}
    assert {s.recipient_id for s in sweep_at(DEADLINE - 23 * H)} == {aor.pk, aor_of(newcomer.organization).pk}
    set_status(newcomer, ApplicationStatus.SUBMITTED)
    assert {s.recipient_id for s in sweep_at(DEADLINE + H)} == {aor.pk}
    assert sweep_at(DEADLINE + 2 * H) == []


def test_award_acceptance_reminders_stop_when_accepted_and_overdue_escalates(sweep_at):
    officer = UserFactory(officer=True)
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        accepted = award(acceptance_due_at=DEADLINE)
        pending = award(acceptance_due_at=DEADLINE)
        pending.application.opportunity.program_officers.set([officer])
    assert {s.object_id for s in sweep_at(DEADLINE - 6 * D - H)} == {accepted.pk, pending.pk}
    type(accepted).objects.filter(pk=accepted.pk).update(status=AwardStatus.ACCEPTED)
    assert {s.object_id for s in sweep_at(DEADLINE - 2 * H)} == {pending.pk}
    aor = aor_of(pending.application.organization)
    assert keys(sweep_at(DEADLINE + 30 * dt.timedelta(minutes=1))) == {
        ("award_acceptance_due", pending.pk, aor.pk, 0, False),
        ("award_acceptance_due", pending.pk, officer.pk, 0, True),
    }
    assert sweep_at(DEADLINE + H) == []


def test_escalation_falls_back_to_all_active_program_officers(sweep_at):
    officers = [UserFactory(officer=True), UserFactory(officer=True)]
    UserFactory(officer=True, is_active=False)
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        a = assignment(due_at=DEADLINE)  # the opportunity names no program officers
    sent = sweep_at(DEADLINE + H)
    assert {s.recipient_id for s in sent if s.escalation} == {o.pk for o in officers}
    assert {s.recipient_id for s in sent if not s.escalation} == {a.reviewer_id}
    assert sweep_at(DEADLINE + 2 * H) == []


def test_sweep_with_nothing_due_sends_nothing():
    assert ReminderLog.objects.count() == 0
    with time_machine.travel(DEADLINE, tick=False):
        from notifications.services import reminders_sweep

        assert reminders_sweep() == []
