"""Writes of merit review: assignment, conflict-of-interest certification, scoring,
submission, declining, and balanced automatic assignment.

Every assignment status change goes through the one door (``dpa_funding.lifecycle.fire``,
table in reviews/workflow.py), which writes its TransitionLog row and audit event in the
same transaction; so is the reviewer's notice of a new assignment (a signal). Services that touch an
assignment lock its application first, then the assignment, so that they serialize with
the application's own transitions and two reviewers submitting at once fire
complete_review exactly once.
"""

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from applications.choices import ApplicationStatus
from applications.models import Application, FundingOpportunity
from applications.services import application_transition
from dpa_funding import lifecycle, policy
from dpa_funding.errors import InvalidTransition, ValidationFailed
from dpa_funding.lifecycle import log_transition

from .allocation import plan_assignments
from .choices import NOT_RECUSED, OUTSTANDING, SCORE_MAX, SCORE_MIN, AssignmentStatus
from .guards import all_reviews_submitted
from .models import CriterionScore, ReviewAssignment
from .signals import review_assignment_created

S = AssignmentStatus
ASSIGNABLE_APPLICATION_STATES = (ApplicationStatus.SCREENING, ApplicationStatus.UNDER_REVIEW)

logger = logging.getLogger(__name__)


def _require_own(actor, action: str, assignment: ReviewAssignment) -> None:
    policy.require(actor, action, assignment, message="Only the assigned reviewer may do this.")


def _lock(assignment: ReviewAssignment) -> tuple[Application, ReviewAssignment]:
    """Lock the application, then the assignment (always in this order)."""
    app = (Application.objects.select_for_update(of=("self",)).select_related("opportunity")
           .get(pk=assignment.application_id))
    locked = ReviewAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    locked.application = app
    return app, locked


def _fire(assignment: ReviewAssignment, name: str, *, actor, data: dict | None = None) -> ReviewAssignment:
    """Fire an assignment transition through the one door (the application is locked
    already, by the caller); the returned assignment carries the locked application."""
    app = assignment.application
    fired = lifecycle.fire("review_assignment", assignment.pk, name, actor=actor, data=data)
    fired.application = app
    return fired


def _exclusion_reason(application: Application, reviewer: User) -> str | None:
    if not policy.may(reviewer, "review.serve"):
        return "The user is not an active merit reviewer."
    if Membership.objects.filter(user=reviewer, organization_id=application.organization_id).exists():
        return "The reviewer belongs to the applicant organization (separation of duties)."
    if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        return "The reviewer is already assigned to this application."
    return None


def _create(*, actor, application: Application, reviewer: User, due_at: dt.datetime) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=actor, due_at=due_at,
        status=S.PENDING_COI,
    )
    log_transition(subject=assignment, transition="assign", from_state="", to_state=S.PENDING_COI,
                   actor=actor)
    # In the transaction: the reviewer's notice commits with the assignment (its email is
    # owed through the outbox), so a crash right after commit cannot lose it. Under its own
    # savepoint: one failing notice neither fails the request nor skips the notices of the
    # other assignments of the same transaction (auto-assign).
    try:
        with transaction.atomic():
            review_assignment_created.send(sender=ReviewAssignment, assignment=assignment)
    except Exception:
        logger.exception("Notifying reviewer %s of assignment %s failed",
                         assignment.reviewer_id, assignment.pk)
    return assignment


def _default_due(opportunity: FundingOpportunity, due_at: dt.datetime | None) -> dt.datetime:
    due = due_at or timezone.now() + dt.timedelta(days=opportunity.review_window_days)
    if due <= timezone.now():
        raise ValidationFailed({"due_at": ["The due date must be in the future."]})
    return due


@transaction.atomic
def assignment_create(*, actor, application: Application, reviewer: User,
                      due_at: dt.datetime | None = None) -> ReviewAssignment:
    """Assign a reviewer to an application in screening or under review (officers only).

    The reviewer must hold the reviewer role, must not belong to the applicant organization,
    and must not already be assigned. ``due_at`` defaults to now + the review window.
    """
    policy.require(actor, "review_assignment.create", application)
    app = (Application.objects.select_for_update(of=("self",)).select_related("opportunity")
           .get(pk=application.pk))
    if app.status not in ASSIGNABLE_APPLICATION_STATES:
        raise InvalidTransition("Reviewers can be assigned only in screening or under merit review.")
    reason = _exclusion_reason(app, reviewer)
    if reason:
        raise ValidationFailed({"reviewer": [reason]})
    return _create(actor=actor, application=app, reviewer=reviewer,
                   due_at=_default_due(app.opportunity, due_at))


@transaction.atomic
def assignment_certify_coi(*, actor, assignment: ReviewAssignment, has_conflict: bool,
                           statement: str = "") -> ReviewAssignment:
    """The reviewer certifies conflict of interest: a conflict recuses them for good (no
    access to the application ever), no conflict activates the assignment."""
    _require_own(actor, "review_assignment.certify_coi", assignment)
    app, assignment = _lock(assignment)
    name = "recuse" if has_conflict else "certify_no_conflict"
    statement = (statement or "").strip()
    return _fire(assignment, name, actor=actor, data={"statement": statement, "comment": statement})


def _require_scoring(app: Application, assignment: ReviewAssignment) -> None:
    if assignment.status == S.SUBMITTED:
        raise InvalidTransition("This review has been submitted and can no longer change.")
    if assignment.status != S.ACTIVE:
        raise InvalidTransition("Scores can be entered only on an active assignment.")
    if app.status != ApplicationStatus.UNDER_REVIEW:
        raise InvalidTransition("Scores can be entered only while the application is under merit review.")


def _clean_scores(app: Application, scores: list[dict]) -> list[CriterionScore]:
    criteria = {c.pk: c for c in app.opportunity.rubric.all()}
    errors, rows, seen = [], [], set()
    for i, item in enumerate(scores):
        cid, score = item.get("criterion"), item.get("score")
        criterion = criteria.get(cid) if isinstance(cid, int) and not isinstance(cid, bool) else None
        if criterion is None:
            errors.append(f"Item {i + 1}: {cid!r} is not a criterion of this opportunity's rubric.")
            continue
        if cid in seen:
            errors.append(f"{criterion.name}: scored more than once.")
            continue
        seen.add(cid)
        if score is None:
            if not criterion.allows_na:
                errors.append(f"{criterion.name}: n/a is not allowed; give a score from {SCORE_MIN} to {SCORE_MAX}.")
                continue
        elif isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            errors.append(f"{criterion.name}: the score must be a whole number from {SCORE_MIN} to {SCORE_MAX}.")
            continue
        rows.append(CriterionScore(criterion=criterion, score=score, comment=(item.get("comment") or "").strip()))
    if errors:
        raise ValidationFailed({"scores": errors})
    return rows


@transaction.atomic
def assignment_save_scores(*, actor, assignment: ReviewAssignment, scores: list[dict],
                           overall_comment: str = "") -> ReviewAssignment:
    """Save the reviewer's draft: replaces the scored criteria with ``scores``
    ([{criterion, score, comment}], score None = n/a where allowed) and the overall comment.
    Criteria left out stay unscored until submission requires them."""
    _require_own(actor, "review_assignment.score", assignment)
    app, assignment = _lock(assignment)
    _require_scoring(app, assignment)
    rows = _clean_scores(app, scores)
    assignment.scores.all().delete()
    for row in rows:
        row.assignment = assignment
    CriterionScore.objects.bulk_create(rows)
    assignment.overall_comment = (overall_comment or "").strip()
    assignment.save(update_fields=["overall_comment", "updated_at"])
    return assignment


def _maybe_complete_review(app: Application) -> None:
    """Fire complete_review when nothing is outstanding and its guards pass (same transaction)."""
    if app.status != ApplicationStatus.UNDER_REVIEW:
        return
    if ReviewAssignment.objects.filter(application=app, status__in=OUTSTANDING).exists():
        return
    if all_reviews_submitted(app, None, {}):
        return
    application_transition(application_id=app.pk, name="complete_review", actor=None,
                           expected_status=ApplicationStatus.UNDER_REVIEW)


@transaction.atomic
def assignment_submit(*, actor, assignment: ReviewAssignment) -> ReviewAssignment:
    """Submit the review: every criterion scored (n/a only where allowed). Writes the 0-100
    score and submitted_at; the review is immutable afterwards. The last outstanding review
    of an application under review fires complete_review in this same transaction."""
    _require_own(actor, "review_assignment.submit", assignment)
    app, assignment = _lock(assignment)
    _require_scoring(app, assignment)
    assignment = _fire(assignment, "submit", actor=actor)
    _maybe_complete_review(app)
    return assignment


@transaction.atomic
def assignment_decline(*, actor, assignment: ReviewAssignment, reason: str) -> ReviewAssignment:
    """The reviewer (or a program officer, e.g. for an unresponsive reviewer) releases an
    assignment that is awaiting certification or active. If that leaves only submitted
    reviews, enough of them, the application's review completes as on a last submission."""
    policy.require(actor, "review_assignment.decline", assignment,
                   message="Only the assigned reviewer or a program officer may decline this assignment.")
    app, assignment = _lock(assignment)
    reason = (reason or "").strip()
    assignment = _fire(assignment, "decline", actor=actor, data={"reason": reason, "comment": reason})
    _maybe_complete_review(app)
    return assignment


# ---------------------------------------------------------------- automatic assignment


@dataclass
class AutoAssignResult:
    created: list[ReviewAssignment] = field(default_factory=list)
    unfilled: dict[int, int] = field(default_factory=dict)  # application id -> slots left open


@transaction.atomic
def assignments_auto_assign(*, actor, opportunity: FundingOpportunity, per_application: int,
                            cap_per_reviewer: int, reviewers=None,
                            due_at: dt.datetime | None = None) -> AutoAssignResult:
    """Give each application of the opportunity in screening ``per_application`` reviewers.

    Existing assignments that are not recused or declined count toward an application's
    reviewers and toward a reviewer's load (in this opportunity), which never exceeds
    ``cap_per_reviewer``. Excluded: members of the applicant organization and reviewers who
    recused themselves from any application of that organization before (any opportunity).
    Among the allocations filling the most slots, loads differ by at most one whenever that
    is feasible (see reviews.allocation).
    """
    policy.require(actor, "review_assignment.create", opportunity)
    errors = {}
    if not isinstance(per_application, int) or per_application < 1:
        errors["per_application"] = ["Give a whole number of reviewers per application (at least 1)."]
    if not isinstance(cap_per_reviewer, int) or cap_per_reviewer < 1:
        errors["cap_per_reviewer"] = ["Give a whole number of assignments per reviewer (at least 1)."]
    if errors:
        raise ValidationFailed(errors)
    due = _default_due(opportunity, due_at)

    apps = list(Application.objects.select_for_update(of=("self",))
                .filter(opportunity=opportunity, status=ApplicationStatus.SCREENING).order_by("pk"))
    pool_qs = policy.users_who_may("review.serve")
    if reviewers is not None:
        ids = {getattr(r, "pk", r) for r in reviewers}
        pool_qs = pool_qs.filter(pk__in=ids)
        if pool_qs.count() != len(ids):
            raise ValidationFailed({"reviewers": ["Every reviewer must be an active merit reviewer."]})
    pool = {u.pk: u for u in pool_qs.order_by("pk")}
    orgs = {a.organization_id for a in apps}

    existing = ReviewAssignment.objects.filter(application__opportunity=opportunity)
    taken = set(existing.values_list("application_id", "reviewer_id"))
    counting = existing.filter(status__in=NOT_RECUSED)
    per_app = Counter(counting.values_list("application_id", flat=True))
    loads = Counter(counting.filter(reviewer_id__in=pool).values_list("reviewer_id", flat=True))
    barred = set(Membership.objects.filter(user_id__in=pool, organization_id__in=orgs)
                 .values_list("user_id", "organization_id"))
    barred |= set(ReviewAssignment.objects.filter(reviewer_id__in=pool, status=S.RECUSED,
                                                  application__organization_id__in=orgs)
                  .values_list("reviewer_id", "application__organization_id"))

    needs = {a.pk: max(per_application - per_app[a.pk], 0) for a in apps}
    eligible = {
        a.pk: [r for r in pool if (a.pk, r) not in taken and (r, a.organization_id) not in barred]
        for a in apps
    }
    plan = plan_assignments(needs=needs, eligible=eligible, loads={r: loads[r] for r in pool},
                            cap=cap_per_reviewer)
    by_id = {a.pk: a for a in apps}
    result = AutoAssignResult()
    for app_id, reviewer_id in plan:
        result.created.append(_create(actor=actor, application=by_id[app_id], reviewer=pool[reviewer_id], due_at=due))
    filled = Counter(app_id for app_id, _ in plan)
    result.unfilled = {a: n - filled[a] for a, n in needs.items() if n - filled[a] > 0}
    return result


def assignments_close_outstanding(*, application: Application, reason: str) -> list[ReviewAssignment]:
    """Release every assignment still awaiting certification or active, because the
    application left review for good (withdrawn, found ineligible). Called inside that
    application transition, which already holds the application's row lock. Closed
    assignments stop their due-date reminders and escalations (the sweep only chases
    outstanding ones)."""
    outstanding = ReviewAssignment.objects.filter(application=application, status__in=OUTSTANDING)
    return [
        lifecycle.fire("review_assignment", pk, "close", actor=None, data={"reason": reason, "comment": reason})
        for pk in outstanding.order_by("pk").values_list("pk", flat=True)
    ]
