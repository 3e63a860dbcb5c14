"""Review services: assignment rules, COI gate, scoring, submission, completion, audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from applications.choices import ApplicationStatus
from applications.models import Application, TransitionLog
from applications.services import application_transition
from dpa_funding.errors import ConditionsUnmet, InvalidTransition, NotPermitted, ValidationFailed
from reviews import services
from reviews.choices import AssignmentStatus
from reviews.models import ReviewAssignment
from reviews.signals import review_assignment_created
from tests.factories import ApplicationFactory, OpportunityFactory, UserFactory
from tests.reviews.factories import ReviewAssignmentFactory, reviewers, submitted_review

pytestmark = pytest.mark.django_db
S = AssignmentStatus


def _log(assignment):
    ct = ContentType.objects.get_for_model(ReviewAssignment)
    return list(TransitionLog.objects.filter(content_type=ct, object_id=assignment.pk)
                .values_list("transition", "from_state", "to_state", "actor_id"))


def _active(app, reviewer=None):
    return ReviewAssignmentFactory(application=app, reviewer=reviewer or UserFactory(reviewer=True),
                                   status=S.ACTIVE, has_conflict=False)


def _all_scores(app, values):
    return [{"criterion": c.pk, "score": v, "comment": f"c{c.pk}"} for c, v in zip(app.opportunity.rubric.all(), values, strict=True)]


# ---------------------------------------------------------------- assignment


def test_officer_assigns_reviewer_with_default_due_date_log_and_signal_in_the_transaction():
    officer, reviewer = UserFactory(officer=True), UserFactory(reviewer=True)
    app = ApplicationFactory(status=ApplicationStatus.SCREENING, opportunity__review_window_days=21)
    received = []

    def receiver(sender, assignment, **kw):
        # Sent inside the assignment's transaction, so the notice commits with it.
        assert transaction.get_connection().in_atomic_block
        received.append(assignment.pk)

    review_assignment_created.connect(receiver, weak=False, dispatch_uid="test-recv")
    try:
        a = services.assignment_create(actor=officer, application=app, reviewer=reviewer)
        assert received == [a.pk]
    finally:
        review_assignment_created.disconnect(dispatch_uid="test-recv")
    assert a.status == S.PENDING_COI and a.assigned_by == officer
    assert abs(a.due_at - (timezone.now() + dt.timedelta(days=21))) < dt.timedelta(minutes=1)
    assert _log(a) == [("assign", "", "pending_coi", officer.pk)]


@pytest.mark.parametrize("case", ["not_officer", "not_reviewer", "member", "duplicate", "wrong_state", "past_due"])
def test_assignment_rules(case):
    officer, reviewer = UserFactory(officer=True), UserFactory(reviewer=True)
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    kwargs = {"actor": officer, "application": app, "reviewer": reviewer}
    expected = ValidationFailed
    if case == "not_officer":
        kwargs["actor"], expected = UserFactory(), NotPermitted
    elif case == "not_reviewer":
        kwargs["reviewer"] = UserFactory()
    elif case == "member":
        Membership.objects.create(user=reviewer, organization=app.organization)
    elif case == "duplicate":
        ReviewAssignmentFactory(application=app, reviewer=reviewer, status=S.DECLINED)
    elif case == "wrong_state":
        kwargs["application"], expected = ApplicationFactory(status=ApplicationStatus.DRAFT), InvalidTransition
    elif case == "past_due":
        kwargs["due_at"] = timezone.now() - dt.timedelta(days=1)
    before = ReviewAssignment.objects.count()
    with pytest.raises(expected):
        services.assignment_create(**kwargs)
    assert ReviewAssignment.objects.count() == before


# ---------------------------------------------------------------- conflict of interest


def test_no_conflict_activates_and_conflict_recuses_with_statement_required():
    a1, a2 = ReviewAssignmentFactory(), ReviewAssignmentFactory()
    done = services.assignment_certify_coi(actor=a1.reviewer, assignment=a1, has_conflict=False)
    assert done.status == S.ACTIVE and done.has_conflict is False and done.coi_certified_at
    assert _log(a1) == [("certify_no_conflict", "pending_coi", "active", a1.reviewer_id)]

    with pytest.raises(ValidationFailed):
        services.assignment_certify_coi(actor=a2.reviewer, assignment=a2, has_conflict=True, statement=" ")
    recused = services.assignment_certify_coi(actor=a2.reviewer, assignment=a2, has_conflict=True,
                                              statement="I consulted for the applicant in 2025.")
    assert recused.status == S.RECUSED
    # certification happens once: a recused reviewer can never come back
    with pytest.raises(InvalidTransition):
        services.assignment_certify_coi(actor=a2.reviewer, assignment=recused, has_conflict=False)


def test_only_the_assigned_reviewer_certifies():
    a = ReviewAssignmentFactory()
    for other in (UserFactory(reviewer=True), UserFactory(officer=True)):
        with pytest.raises(NotPermitted):
            services.assignment_certify_coi(actor=other, assignment=a, has_conflict=False)


# ---------------------------------------------------------------- scoring and submission


def test_scores_validate_rubric_membership_range_and_na():
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    a = _active(app)
    crit = list(app.opportunity.rubric.all())
    foreign = OpportunityFactory().rubric.first()
    bad = [
        {"criterion": foreign.pk, "score": 3},
        {"criterion": crit[0].pk, "score": 6},
        {"criterion": crit[1].pk, "score": None},  # n/a not allowed on this one
        {"criterion": crit[2].pk, "score": True},
    ]
    with pytest.raises(ValidationFailed) as exc:
        services.assignment_save_scores(actor=a.reviewer, assignment=a, scores=bad)
    assert len(exc.value.errors["scores"]) == 4
    services.assignment_save_scores(actor=a.reviewer, assignment=a, overall_comment="Strong.",
                                    scores=[{"criterion": crit[3].pk, "score": None, "comment": "n/a"}])
    assert list(a.scores.values_list("criterion_id", "score")) == [(crit[3].pk, None)]


def test_submit_requires_every_criterion_and_computes_renormalized_score():
    """Rubric weights 40/30/20/10, the 10% criterion n/a. Scores 4, 3, 5:
    m = (40*4 + 30*3 + 20*5) / (40 + 30 + 20) = 350 / 90 = 3.8889
    score = (m - 1) / 4 * 100 = (3.8889 - 1) * 25 = 72.222
    """
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    a = _active(app)
    crit = list(app.opportunity.rubric.all())
    services.assignment_save_scores(actor=a.reviewer, assignment=a, scores=_all_scores(app, [4, 3, 5, None])[:3])
    with pytest.raises(ValidationFailed) as exc:
        services.assignment_submit(actor=a.reviewer, assignment=a)
    assert crit[3].name in exc.value.errors["scores"][0]
    services.assignment_save_scores(actor=a.reviewer, assignment=a, scores=_all_scores(app, [4, 3, 5, None]))
    done = services.assignment_submit(actor=a.reviewer, assignment=a)
    assert done.score == Decimal("72.222")
    assert done.status == S.SUBMITTED and done.submitted_at is not None
    assert _log(a)[-1] == ("submit", "active", "submitted", a.reviewer_id)


def test_submitted_review_is_immutable():
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    a = _active(app)
    services.assignment_save_scores(actor=a.reviewer, assignment=a, scores=_all_scores(app, [5, 5, 5, 5]))
    services.assignment_submit(actor=a.reviewer, assignment=a)
    with pytest.raises(InvalidTransition):
        services.assignment_save_scores(actor=a.reviewer, assignment=a, scores=_all_scores(app, [1, 1, 1, 1]))
    with pytest.raises(InvalidTransition):
        services.assignment_submit(actor=a.reviewer, assignment=a)
    with pytest.raises(InvalidTransition):
        services.assignment_decline(actor=a.reviewer, assignment=a, reason="changed my mind")
    a.refresh_from_db()
    assert a.score == Decimal("100.000") and set(a.scores.values_list("score", flat=True)) == {5}


def test_scoring_requires_the_application_under_review():
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    a = _active(app)
    with pytest.raises(InvalidTransition):
        services.assignment_save_scores(actor=a.reviewer, assignment=a, scores=_all_scores(app, [5, 5, 5, 5]))


def test_submitting_the_last_review_completes_the_application_review():
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW, opportunity__min_reviewers=3)
    r1, r2, r3 = reviewers(3)
    submitted_review(app, r1, [3, 3, 3, 3])
    ReviewAssignmentFactory(application=app, reviewer=UserFactory(reviewer=True), status=S.RECUSED)
    a2, a3 = _active(app, r2), _active(app, r3)
    for a in (a2, a3):
        services.assignment_save_scores(actor=a.reviewer, assignment=a, scores=_all_scores(app, [4, 4, 4, 4]))
    services.assignment_submit(actor=r2, assignment=a2)
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.UNDER_REVIEW
    services.assignment_submit(actor=r3, assignment=a3)
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.REVIEWED
    log = TransitionLog.objects.get(content_type=ContentType.objects.get_for_model(Application),
                                    object_id=app.pk, transition="complete_review")
    assert (log.from_state, log.to_state, log.actor) == ("under_review", "reviewed", None)


def test_last_submission_does_not_complete_below_min_reviewers_or_with_pending_coi():
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW, opportunity__min_reviewers=2)
    a = _active(app)
    pending = ReviewAssignmentFactory(application=app, status=S.PENDING_COI)
    services.assignment_save_scores(actor=a.reviewer, assignment=a, scores=_all_scores(app, [2, 2, 2, 2]))
    services.assignment_submit(actor=a.reviewer, assignment=a)
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.UNDER_REVIEW
    # declining the pending one leaves 1 submitted < min_reviewers 2: still under review
    services.assignment_decline(actor=pending.reviewer, assignment=pending, reason="Travel")
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.UNDER_REVIEW
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="complete_review", actor=UserFactory(officer=True))
    assert exc.value.unmet == ["At least 2 submitted reviews are required; 1 is submitted."]


def test_decline_by_reviewer_or_officer_only_with_reason():
    a = ReviewAssignmentFactory(status=S.ACTIVE)
    with pytest.raises(NotPermitted):
        services.assignment_decline(actor=UserFactory(reviewer=True), assignment=a, reason="x")
    with pytest.raises(ValidationFailed):
        services.assignment_decline(actor=a.reviewer, assignment=a, reason="")
    officer = UserFactory(officer=True)
    done = services.assignment_decline(actor=officer, assignment=a, reason="Reviewer unresponsive")
    assert done.status == S.DECLINED and done.decline_reason == "Reviewer unresponsive"
    assert _log(a) == [("decline", "active", "declined", officer.pk)]


# ---------------------------------------------------------------- open_review guard


def test_open_review_requires_min_reviewers_not_recused_or_declined():
    officer = UserFactory(officer=True)
    app = ApplicationFactory(status=ApplicationStatus.SCREENING, opportunity__min_reviewers=3)
    ReviewAssignmentFactory(application=app, status=S.PENDING_COI)
    ReviewAssignmentFactory(application=app, status=S.ACTIVE)
    ReviewAssignmentFactory(application=app, status=S.RECUSED)
    ReviewAssignmentFactory(application=app, status=S.DECLINED)
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="open_review", actor=officer)
    assert exc.value.unmet == ["At least 3 reviewers must be assigned (not recused or declined); 2 are."]
    ReviewAssignmentFactory(application=app, status=S.PENDING_COI)
    opened = application_transition(application_id=app.pk, name="open_review", actor=officer)
    assert opened.status == ApplicationStatus.UNDER_REVIEW
