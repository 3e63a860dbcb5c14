"""Signals other apps subscribe to (the notifications app emails the reviewer).

They are sent inside the transaction that creates the assignment, so a rolled-back one
notifies nobody and a committed one is never left without its notice.
"""

from django.dispatch import Signal

# kwargs: assignment (the ReviewAssignment just created)
review_assignment_created = Signal()
