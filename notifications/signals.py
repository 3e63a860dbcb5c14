"""Signals of the notifications app."""

from django.dispatch import Signal

# Sent by the reminder sweep inside the transaction that records the reminders, once per
# (kind, offset) batch, with the objects that got at least one new reminder:
# ``kind`` (DeadlineKind), ``offset_hours`` (0 = overdue), ``objects`` (list of models).
deadline_reminded = Signal()
