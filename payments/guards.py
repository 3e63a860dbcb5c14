"""Guards and effects of the payment-request lifecycle (named in workflow.py).

They run inside the door's transaction, after it locked the payment request.
"""

from django.utils import timezone

from dpa_funding import lifecycle
from dpa_funding.formatting import money


@lifecycle.guard("payments.award_open_for_payments")
def award_open_for_payments(request, actor, data) -> list[str]:
    from .services import PAYMENT_AWARD_STATUSES

    award = request.award
    if award.status not in PAYMENT_AWARD_STATUSES:
        return [f"Award {award.award_number} is {award.get_status_display().lower()}; "
                "payments can be approved only on an accepted award."]
    return []


@lifecycle.guard("payments.within_federal_amount")
def within_federal_amount(request, actor, data) -> list[str]:
    """Approved and paid requests never add up to more than the award's federal amount.

    Locks the award row first: every approval of the award's requests queues on that lock,
    so each one sums what the earlier ones committed (READ COMMITTED takes a fresh snapshot
    per statement, after the lock is granted)."""
    from .services import committed_total, lock_award

    award = lock_award(request.award_id)
    committed = committed_total(award, exclude_pk=request.pk)
    if committed + request.amount > award.federal_amount:
        remaining = award.federal_amount - committed
        return [f"Approving {money(request.amount)} would bring approved payments to "
                f"{money(committed + request.amount)}, more than the award's federal amount of "
                f"{money(award.federal_amount)}; {money(remaining)} remains."]
    return []


@lifecycle.effect("payments.stamp_decision")
def stamp_decision(request, actor, data) -> None:
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_comment = (data.get("comment") or "").strip()


@lifecycle.effect("payments.stamp_paid")
def stamp_paid(request, actor, data) -> None:
    request.paid_at = timezone.now()
    comment = (data.get("comment") or "").strip()
    if comment:
        request.decision_comment = comment


@lifecycle.effect("payments.notify_decision")
def notify_decision(request, actor, data) -> None:
    from .notices import payment_request_decided

    payment_request_decided(request)
