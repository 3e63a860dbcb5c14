"""Signal receivers: notifications for application transitions and review assignments.

Both signals are sent inside the transaction that changes the state, so what they write
commits (or rolls back) with it. An application transition only owes its notices there (one
outbox row, ops.outbox): a worker writes and emails them after commit
(notifications.tasks.notify_application_transition). A review assignment's single notice is
written at once, its email owed through the outbox.
"""

from . import services


def on_application_transitioned(sender, *, application, transition, from_state, to_state,
                                log, actor=None, comment="", **kwargs):
    services.application_transition_notices_owe(log=log)


def on_review_assignment_created(sender, *, assignment, **kwargs):
    services.review_assignment_notify(assignment=assignment)
