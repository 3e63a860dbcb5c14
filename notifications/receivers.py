"""Signal receivers: notifications for application transitions and review assignments.

Both signals are sent inside the transaction that changes the state, so the notifications
commit (or roll back) with it; their emails are owed through the outbox (ops.outbox).
"""

from . import services


def on_application_transitioned(sender, *, application, transition, from_state, to_state,
                                actor=None, comment="", **kwargs):
    services.application_transition_notify(
        application=application, transition=transition, from_state=from_state,
        to_state=to_state, actor=actor, comment=comment)


def on_review_assignment_created(sender, *, assignment, **kwargs):
    services.review_assignment_notify(assignment=assignment)
