"""Effects of application transitions on merit review (applications/workflow.py refers to
them by dotted path; they run inside the transition's transaction)."""

from .services import assignments_close_outstanding


def close_assignments_on_withdraw(application, actor, data) -> None:
    """A withdrawn application is never reviewed: release its outstanding reviewers."""
    assignments_close_outstanding(
        application=application, reason="Closed automatically: the applicant withdrew the application."
    )


def close_assignments_on_ineligible(application, actor, data) -> None:
    """An ineligible application is never reviewed: release its outstanding reviewers."""
    assignments_close_outstanding(
        application=application, reason="Closed automatically: the application was found ineligible."
    )
