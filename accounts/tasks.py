"""Celery entry points for the accounts app (thin; the work lives elsewhere)."""

from celery import shared_task


@shared_task(ignore_result=True)
def purge_expired_tokens() -> None:
    """Hourly: delete API tokens past their expiry (requests no longer sweep them)."""
    from dpa_funding.api.authentication import expired_tokens_purge

    expired_tokens_purge()
