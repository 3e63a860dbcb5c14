"""Guards of the review transitions of the application workflow, registered by name with
the lifecycle engine (applications/workflow.py names them). Each returns the unmet conditions as readable sentences."""

from dpa_funding import lifecycle

from .choices import NOT_RECUSED, AssignmentStatus
from .models import ReviewAssignment


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
