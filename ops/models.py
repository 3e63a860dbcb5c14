"""Rows that make background work durable and observable.

``OutboxMessage``: a Celery task owed by a committed transaction. It is written in the same
transaction as the change that owes it, so a broker outage (or a crash between commit and
publish) loses nothing: the relay publishes it once the broker answers, then deletes it.

``Heartbeat``: the last time a beat-scheduled task ran on a worker, for /healthz.
"""

from django.db import models


class OutboxMessage(models.Model):
    task = models.CharField(max_length=200, help_text="Registered Celery task name.")
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # The request that owed the task, restored while publishing so logs and the task share it.
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class Heartbeat(models.Model):
    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
