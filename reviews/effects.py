"""Effects of application transitions on merit review, registered by name with the
lifecycle engine (applications/workflow.py names them); they run inside the transition's
transaction."""

from dpa_funding import lifecycle

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
