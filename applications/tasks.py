"""Celery entry points for the applications app (thin; the work lives elsewhere)."""

from celery import shared_task


@shared_task(ignore_result=True)
def purge_idempotency_records() -> None:
    """Daily: delete Idempotency-Key records past their 24-hour replay window."""
    from dpa_funding.api.idempotency import idempotency_records_purge

    idempotency_records_purge()
