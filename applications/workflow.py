"""The application workflow, declared once as data (domain.md, "Application workflow").

The one door (``dpa_funding.lifecycle.fire``) takes permissions, guards and effects from
this table; the API and pages list available actions from it, and notifications take
labels and comment audiences from it. Guards and effects are registered by name by the
app that owns the rule (applications.guards, reviews.guards, awards.guards), so the
reviews and awards apps keep their rules about their own models without import cycles.
"""

from dpa_funding import lifecycle
from dpa_funding.lifecycle import Transition

from . import guards, record  # noqa: F401  (register the applications.* guards and effects)
from .choices import TERMINAL_STATUSES
from .choices import ApplicationStatus as S

BEFORE_AWARD = tuple(s for s in S.values if s not in TERMINAL_STATUSES and s != S.AWARDED)
FREEZE = "applications.freeze_submitted_record"

LIFECYCLE = lifecycle.register(lifecycle.Lifecycle(
    key="application",
    model="applications.Application",
    field="status",
    # Applicants may edit the application and its documents only in these states.
    editable=(S.DRAFT, S.REVISION_REQUESTED),
    update_fields=("status", "submitted_at", "submitted_record", "response_due_at", "updated_at"),
    select_related=("opportunity", "organization", "project"),
    transitions=(
        Transition(
            "submit", "Submit application", (S.DRAFT,), S.SUBMITTED, "application.submit",
            guards=("applications.opportunity_open", "applications.application_complete"),
            effects=("applications.stamp_submitted_at", FREEZE),
        ),
        Transition("start_screening", "Start screening", (S.SUBMITTED,), S.SCREENING,
                   "application.start_screening"),
        Transition(
            "request_revision", "Request revision", (S.SCREENING,), S.REVISION_REQUESTED,
            "application.request_revision",
            guards=("applications.response_due_in_future",),
            effects=("applications.record_response_due_at",),
            comment_required=True, comment_audience="applicant", fields=("response_due_at",),
        ),
        Transition(
            "resubmit", "Resubmit application", (S.REVISION_REQUESTED,), S.SUBMITTED,
            "application.resubmit",
            guards=("applications.before_response_due", "applications.application_complete"),
            effects=("applications.stamp_submitted_at", FREEZE),
        ),
        Transition(
            "mark_ineligible", "Mark ineligible", (S.SCREENING,), S.INELIGIBLE,
            "application.mark_ineligible",
            effects=("reviews.close_assignments_on_ineligible",),
            comment_required=True, comment_audience="applicant",
        ),
        Transition("open_review", "Open merit review", (S.SCREENING,), S.UNDER_REVIEW,
                   "application.open_review", guards=("reviews.enough_reviewers_assigned",)),
        Transition("complete_review", "Complete review", (S.UNDER_REVIEW,), S.REVIEWED,
                   "application.complete_review", system=True,
                   guards=("reviews.all_reviews_submitted",)),
        Transition("select", "Select for award", (S.REVIEWED,), S.SELECTED, "application.select",
                   guards=("exclusions.recipient_not_excluded",),
                   effects=("exclusions.record_select_check",)),
        Transition("begin_negotiation", "Begin negotiation", (S.SELECTED,), S.NEGOTIATION,
                   "application.begin_negotiation"),
        Transition(
            "award", "Issue award", (S.NEGOTIATION,), S.AWARDED, "award.issue",
            guards=("awards.terms_ready", "awards.issuer_did_not_review", "awards.budget_available",
                    "awards.acceptance_deadline_valid", "exclusions.recipient_not_excluded"),
            effects=("exclusions.record_award_check", "awards.issue_award"), fields=("acceptance_due_at",),
        ),
        Transition(
            "decline", "Decline", (S.REVIEWED, S.SELECTED, S.NEGOTIATION), S.DECLINED,
            "application.decline", comment_required=True, comment_audience="applicant",
        ),
        Transition(
            "withdraw", "Withdraw application", BEFORE_AWARD, S.WITHDRAWN, "application.withdraw",
            effects=("reviews.close_assignments_on_withdraw",), comment_audience="applicant",
        ),
        # The application follows its award (fired by the award lifecycle's effects, with
        # no actor: the policy lets nobody fire them directly).
        Transition("record_award_declined", "Award declined", (S.AWARDED,), S.AWARD_DECLINED,
                   "application.follow_award", system=True, comment_audience="applicant"),
        Transition("record_award_rescinded", "Award rescinded", (S.AWARDED,), S.AWARD_RESCINDED,
                   "application.follow_award", system=True, comment_audience="applicant"),
    ),
))

# Name -> transition, in table order (API enums, forms, notification labels).
TRANSITIONS: dict[str, Transition] = {t.name: t for t in LIFECYCLE.transitions}
EDITABLE_STATUSES = frozenset(LIFECYCLE.editable)


def get(name: str) -> Transition | None:
    return TRANSITIONS.get(name)
