"""Payment requests (SF-270) on grants and agreements; disbursements, repayments and
delinquencies on loans.

Money drawn against an award is always checked under a row lock on the award
(``payments.services``), so concurrent approvals or disbursements cannot overrun it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from awards.models import Award
from dpa_funding.querysets import RestrictedQuerySet

from .choices import PaymentRequestStatus, RequestType

MONEY = {"max_digits": 15, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]


class PaymentRequest(models.Model):
    """An SF-270 request for federal funds on a grant or agreement.

    Created ``requested`` by the organization's AOR; the state changes only through the
    lifecycle door (``payments/workflow.py``): an officer approves, rejects or marks paid.
    """

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="payment_requests")
    request_type = models.CharField(max_length=15, choices=RequestType.choices)
    amount = models.DecimalField(**MONEY, validators=POSITIVE)
    period_start = models.DateField(help_text="Start of the period the request covers.")
    period_end = models.DateField(help_text="End of the period the request covers.")
    status = models.CharField(max_length=12, choices=PaymentRequestStatus.choices,
                              default=PaymentRequestStatus.REQUESTED, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True, help_text="The officer's comment to the recipient.")
    paid_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["award", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_request_amount_positive"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="payment_request_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"Payment request of {self.amount} on award {self.award_id}"


class Disbursement(models.Model):
    """Principal paid out on a loan (or by the lender on a guaranteed loan), recorded by an officer."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="disbursements")
    amount = models.DecimalField(**MONEY, validators=POSITIVE)
    disbursed_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["disbursed_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive")]

    def __str__(self) -> str:
        return f"Disbursement of {self.amount} on {self.award_id}"


class Repayment(models.Model):
    """A loan repayment received, applied to the derived schedule at recording time
    (``RepaymentAllocation`` rows, interest first then principal, oldest installment first)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField(**MONEY, validators=POSITIVE)
    received_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="Remittance or Pay.gov reference.")
    interest_applied = models.DecimalField(**MONEY)
    principal_applied = models.DecimalField(**MONEY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount=models.F("interest_applied") + models.F("principal_applied")),
                name="repayment_fully_applied"),
        ]

    def __str__(self) -> str:
        return f"Repayment of {self.amount} on {self.award_id}"


class RepaymentAllocation(models.Model):
    """The part of a repayment applied to one installment of the schedule."""

    repayment = models.ForeignKey(Repayment, on_delete=models.CASCADE, related_name="allocations")
    installment = models.PositiveIntegerField(help_text="Installment number in the derived schedule.")
    due_date = models.DateField()
    interest = models.DecimalField(**MONEY)
    principal = models.DecimalField(**MONEY)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["repayment_id", "installment"]
        constraints = [models.UniqueConstraint(fields=["repayment", "installment"],
                                               name="one_allocation_per_installment")]

    def __str__(self) -> str:
        return f"{self.interest} + {self.principal} to installment {self.installment}"


class Delinquency(models.Model):
    """A loan's episode of delinquency: an installment unpaid ``LOAN_DELINQUENCY_DAYS``
    after its due date. Opened by the beat job (which notifies the officer and the AOR),
    cured when the past-due amount is repaid. At most one open episode per loan."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="delinquencies")
    installment = models.PositiveIntegerField(help_text="The oldest unpaid installment when marked.")
    due_date = models.DateField()
    past_due_amount = models.DecimalField(**MONEY)
    marked_at = models.DateTimeField(default=timezone.now)
    cured_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "delinquencies"
        ordering = ["-marked_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["award"], condition=Q(cured_at__isnull=True),
                                               name="one_open_delinquency_per_loan")]

    def __str__(self) -> str:
        return f"Delinquency of {self.award_id} since {self.marked_at:%Y-%m-%d}"
