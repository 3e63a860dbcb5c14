"""The payment-request lifecycle, declared once as data (dpa_funding.lifecycle).

    requested --approve (officer; within the federal amount, under the award's lock)--> approved
    requested --reject (officer, comment to the recipient)--> rejected
    approved --mark_paid (officer)--> paid

Creating a request is not a transition: ``services.payment_request_create`` writes it in
``requested`` and logs that as its first history row.
"""

from dpa_funding import lifecycle

from . import guards  # noqa: F401  (registers the payments.* guards and effects)
from .choices import PaymentRequestStatus as S

PAYMENT_REQUEST = lifecycle.register(lifecycle.Lifecycle(
    key="payment_request",
    model="payments.PaymentRequest",
    field="status",
    editable=(),
    update_fields=("status", "decided_by", "decided_at", "decision_comment", "paid_at", "updated_at"),
    select_related=("award",),
    transitions=(
        lifecycle.Transition(
            name="approve", label="Approve payment request",
            sources=(S.REQUESTED,), target=S.APPROVED, action="payment_request.approve",
            guards=("payments.award_open_for_payments", "payments.within_federal_amount"),
            effects=("payments.stamp_decision", "payments.notify_decision"),
            comment_audience="applicant",
        ),
        lifecycle.Transition(
            name="reject", label="Reject payment request",
            sources=(S.REQUESTED,), target=S.REJECTED, action="payment_request.reject",
            effects=("payments.stamp_decision", "payments.notify_decision"),
            comment_required=True, comment_audience="applicant",
        ),
        lifecycle.Transition(
            name="mark_paid", label="Mark paid",
            sources=(S.APPROVED,), target=S.PAID, action="payment_request.mark_paid",
            effects=("payments.stamp_paid", "payments.notify_decision"),
            comment_audience="applicant",
        ),
    ),
))
