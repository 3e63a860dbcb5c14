"""Guards of the review transitions of the application workflow, registered by name with
the lifecycle engine (applications/workflow.py names them). Each returns the unmet conditions as readable sentences."""

from applications.choices import ApplicationStatus
from dpa_funding import lifecycle
from dpa_funding.errors import InvalidTransition, ValidationFailed

from .choices import NOT_RECUSED, AssignmentStatus
from .models import ReviewAssignment
from .scoring import weighted_score


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@lifecycle.guard("reviews.enough_reviewers_assigned")
def enough_reviewers_assigned(application, actor, data) -> list[str]:
    """open_review: at least ``min_reviewers`` assignments that are not recused or declined."""
    needed = application.opportunity.min_reviewers
    have = ReviewAssignment.objects.filter(application=application, status__in=NOT_RECUSED).count()
    if have >= needed:
        return []
    return [
        f"At least {_plural(needed, 'reviewer')} must be assigned (not recused or declined); "
        f"{have} {'is' if have == 1 else 'are'}."
    ]


@lifecycle.guard("reviews.all_reviews_submitted")
def all_reviews_submitted(application, actor, data) -> list[str]:
    """complete_review: no review outstanding and at least ``min_reviewers`` submitted.

    Outstanding means active or still pending_coi: a reviewer who has not certified yet may
    still review, so the officer waits or the assignment is declined.
    """
    counts = {s: 0 for s in AssignmentStatus.values}
    for status in ReviewAssignment.objects.filter(application=application).values_list("status", flat=True):
        counts[status] += 1
    unmet = []
    active, pending = counts[AssignmentStatus.ACTIVE], counts[AssignmentStatus.PENDING_COI]
    if active:
        unmet.append(f"{_plural(active, 'active review')} {'has' if active == 1 else 'have'} not been submitted.")
    if pending:
        unmet.append(
            f"{_plural(pending, 'reviewer')} {'has' if pending == 1 else 'have'} not certified conflict of "
            "interest yet; they must review or the assignment must be declined."
        )
    needed, submitted = application.opportunity.min_reviewers, counts[AssignmentStatus.SUBMITTED]
    if submitted < needed:
        unmet.append(f"At least {_plural(needed, 'submitted review')} {'is' if needed == 1 else 'are'} required; "
                     f"{submitted} {'is' if submitted == 1 else 'are'} submitted.")
    return unmet


# ---------------------------------------------------------------- the assignment lifecycle
# Application-state and body-field problems keep the answers the reviews API has always
# given: 409 invalid_transition and 400 with the field's error.

ASSIGNABLE_APPLICATION_STATES = (ApplicationStatus.SCREENING, ApplicationStatus.UNDER_REVIEW)


@lifecycle.guard("reviews.application_in_review")
def application_in_review(assignment, actor, data) -> list[str]:
    if assignment.application.status not in ASSIGNABLE_APPLICATION_STATES:
        raise InvalidTransition("The application is no longer in review.")
    return []


@lifecycle.guard("reviews.application_under_review")
def application_under_review(assignment, actor, data) -> list[str]:
    if assignment.application.status != ApplicationStatus.UNDER_REVIEW:
        raise InvalidTransition("Scores can be entered only while the application is under merit review.")
    return []


@lifecycle.guard("reviews.conflict_described")
def conflict_described(assignment, actor, data) -> list[str]:
    if not (data.get("statement") or "").strip():
        raise ValidationFailed({"statement": ["Describe the conflict of interest."]})
    return []


@lifecycle.guard("reviews.reason_given")
def reason_given(assignment, actor, data) -> list[str]:
    if not (data.get("reason") or "").strip():
        raise ValidationFailed({"reason": ["Give a reason for declining."]})
    return []


@lifecycle.guard("reviews.every_criterion_scored")
def every_criterion_scored(assignment, actor, data) -> list[str]:
    """Every rubric criterion scored (n/a only where allowed) and not all n/a; the weighted
    score is left in ``data["score"]`` for the record_score effect."""
    scored = {s.criterion_id: s for s in assignment.scores.all()}
    rubric = list(assignment.application.opportunity.rubric.all())
    missing = [c.name for c in rubric if c.pk not in scored]
    if missing:
        raise ValidationFailed({"scores": [f"Score every criterion before submitting; missing: {', '.join(missing)}."]})
    score = weighted_score((c.weight, scored[c.pk].score) for c in rubric)
    if score is None:
        raise ValidationFailed({"scores": ["Score at least one criterion (they cannot all be n/a)."]})
    data["score"] = score
    return []
