"""Signals other apps subscribe to (the notifications app emails the reviewer).

They are sent only from ``transaction.on_commit`` callbacks, so a rolled-back assignment
never notifies anyone.
"""

from django.dispatch import Signal

# kwargs: assignment (the ReviewAssignment just created)
review_assignment_created = Signal()
