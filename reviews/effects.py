"""Effects of application transitions on merit review, registered by name with the
lifecycle engine (applications/workflow.py names them); they run inside the transition's
transaction."""

from django.utils import timezone

from dpa_funding import lifecycle

from .choices import AssignmentStatus
from .services import assignments_close_outstanding


@lifecycle.effect("reviews.close_assignments_on_withdraw")
def close_assignments_on_withdraw(application, actor, data) -> None:
    """A withdrawn application is never reviewed: release its outstanding reviewers."""
    assignments_close_outstanding(
        application=application, reason="Closed automatically: the applicant withdrew the application."
    )


@lifecycle.effect("reviews.close_assignments_on_ineligible")
def close_assignments_on_ineligible(application, actor, data) -> None:
    """An ineligible application is never reviewed: release its outstanding reviewers."""
    assignments_close_outstanding(
        application=application, reason="Closed automatically: the application was found ineligible."
    )


# ---------------------------------------------------------------- the assignment lifecycle


@lifecycle.effect("reviews.record_coi")
def record_coi(assignment, actor, data) -> None:
    """certify_no_conflict / recuse: what the reviewer certified, and when."""
    assignment.has_conflict = assignment.status == AssignmentStatus.RECUSED
    assignment.coi_statement = (data.get("statement") or "").strip()
    assignment.coi_certified_at = timezone.now()


@lifecycle.effect("reviews.record_score")
def record_score(assignment, actor, data) -> None:
    assignment.score = data["score"]  # computed by reviews.every_criterion_scored
    assignment.submitted_at = timezone.now()


@lifecycle.effect("reviews.record_decline_reason")
def record_decline_reason(assignment, actor, data) -> None:
    assignment.decline_reason = (data.get("reason") or data.get("comment") or "").strip()
