"""The review-assignment lifecycle, declared as data (domain.md, "Review").

Every assignment state change goes through the one door, ``dpa_funding.lifecycle.fire``;
the reviews services lock the application first and then fire, so assignment changes
serialize with the application's own transitions. Guards and effects live in
reviews.guards; a guard that finds a body field invalid raises ValidationFailed (a 400
with that field's error), like the services' other input checks.
"""

from dpa_funding import lifecycle
from dpa_funding.lifecycle import Transition

from . import effects, guards  # noqa: F401  (register the reviews.* guards and effects)
from .choices import OUTSTANDING
from .choices import AssignmentStatus as S

LIFECYCLE = lifecycle.register(lifecycle.Lifecycle(
    key="review_assignment",
    model="reviews.ReviewAssignment",
    field="status",
    # Scores and the overall comment may be edited while the assignment is active.
    editable=(S.ACTIVE,),
    update_fields=("status", "updated_at", "has_conflict", "coi_statement", "coi_certified_at",
                   "score", "submitted_at", "decline_reason"),
    select_related=("application__opportunity",),
    transitions=(
        Transition("certify_no_conflict", "Certify no conflict of interest", (S.PENDING_COI,), S.ACTIVE,
                   "review_assignment.certify_coi", guards=("reviews.application_in_review",),
                   effects=("reviews.record_coi",)),
        Transition("recuse", "Declare a conflict of interest", (S.PENDING_COI,), S.RECUSED,
                   "review_assignment.certify_coi",
                   guards=("reviews.application_in_review", "reviews.conflict_described"),
                   effects=("reviews.record_coi",), fields=("statement",)),
        Transition("submit", "Submit review", (S.ACTIVE,), S.SUBMITTED, "review_assignment.submit",
                   guards=("reviews.application_under_review", "reviews.every_criterion_scored"),
                   effects=("reviews.record_score",)),
        Transition("decline", "Decline assignment", OUTSTANDING, S.DECLINED, "review_assignment.decline",
                   guards=("reviews.reason_given",), effects=("reviews.record_decline_reason",),
                   fields=("reason",)),
        # The application left review for good (withdrawn, ineligible): the system closes it.
        Transition("close", "Close assignment", OUTSTANDING, S.DECLINED, "review_assignment.close",
                   system=True, effects=("reviews.record_decline_reason",)),
    ),
))
