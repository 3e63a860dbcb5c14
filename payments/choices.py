"""Enumerations for payments and loan servicing."""

from django.db import models

from applications.choices import Instrument


class RequestType(models.TextChoices):
    """SF-270 box 1: how the recipient is paid (2 CFR 200.305)."""

    ADVANCE = "advance", "Advance"
    REIMBURSEMENT = "reimbursement", "Reimbursement"


class PaymentRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"


# Requests in these states count against the award's federal amount.
COMMITTED_STATUSES = (PaymentRequestStatus.APPROVED, PaymentRequestStatus.PAID)

# Instruments paid through SF-270 payment requests (grants and agreements); loans and
# loan guarantees are paid out as disbursements of principal instead.
PAYABLE_INSTRUMENTS = (Instrument.GRANT, Instrument.COOPERATIVE_AGREEMENT, Instrument.PURCHASE_COMMITMENT)
