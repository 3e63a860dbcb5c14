"""Celery entry points for payments: the daily delinquency sweep (thin; idempotent)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=30, retry_backoff_max=600,
             max_retries=5)
def mark_delinquent_loans() -> dict:
    """Mark loans 30 days past due (notifying once per episode) and cure repaid ones."""
    return services.loans_mark_delinquency()
