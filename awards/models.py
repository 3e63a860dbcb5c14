"""Award terms (negotiation), awards, loan terms, budget obligations and award numbering."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from applications.choices import Instrument
from applications.models import Application, FundingOpportunity
from dpa_funding.querysets import RestrictedQuerySet

from .choices import AwardStatus, LetterStatus, PaymentFrequency

MONEY = {"max_digits": 15, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
RATE = {"max_digits": 7, "decimal_places": 4}
RATE_RANGE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class AwardTerms(models.Model):
    """The terms an officer drafts while an application is in negotiation.

    Saved only through ``awards.services.terms_save``, which validates them and bumps
    ``version``; the award copies them, so later edits never change an issued award.
    Loan fields apply to loans and loan guarantees and are empty otherwise.
    """

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="terms")
    instrument = models.CharField(max_length=30, choices=Instrument.choices)
    federal_amount = models.DecimalField(**MONEY, validators=NON_NEGATIVE)
    cost_share_amount = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    period_start = models.DateField()
    period_end = models.DateField()
    conditions = models.JSONField(default=list, blank=True, help_text="Special award conditions, one per item.")

    principal = models.DecimalField(**MONEY, null=True, blank=True, validators=NON_NEGATIVE)
    annual_rate_percent = models.DecimalField(**RATE, null=True, blank=True, validators=RATE_RANGE)
    term_months = models.PositiveIntegerField(null=True, blank=True)
    grace_months = models.PositiveIntegerField(null=True, blank=True)
    payment_frequency = models.CharField(max_length=12, choices=PaymentFrequency.choices, blank=True)
    first_payment_date = models.DateField(null=True, blank=True)

    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "award terms"
        verbose_name_plural = "award terms"

    def __str__(self) -> str:
        return f"Terms v{self.version} for application #{self.application_id}"

    @property
    def is_credit(self) -> bool:
        return self.instrument in (Instrument.LOAN, Instrument.LOAN_GUARANTEE)

    def loan_inputs(self):
        """The loan fields as schedule inputs (None when any is missing)."""
        from .schedule import LoanInputs

        values = (self.principal, self.annual_rate_percent, self.term_months, self.grace_months,
                  self.payment_frequency, self.first_payment_date)
        if any(v in (None, "") for v in values):
            return None
        return LoanInputs(
            principal=self.principal, annual_rate_percent=self.annual_rate_percent,
            term_months=self.term_months, grace_months=self.grace_months,
            payment_frequency=self.payment_frequency, first_payment_date=self.first_payment_date,
        )


class AwardQuerySet(RestrictedQuerySet):
    pass


class Award(models.Model):
    """An issued award: a frozen copy of the negotiated terms, numbered gap-free per fiscal year.

    The letter fields are written by the letter generator (awards.letters); ``letter_version``
    is the ``terms_version`` the stored letter was rendered from.
    """

    # Not related_name="award": that would replace the Application.award() FSM transition.
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="issued_award")
    award_number = models.CharField(max_length=20, unique=True, help_text="DPA3-FY<yy>-<NNNN>")
    fiscal_year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    instrument = models.CharField(max_length=30, choices=Instrument.choices)
    federal_amount = models.DecimalField(**MONEY)
    cost_share_amount = models.DecimalField(**MONEY, default=Decimal("0"))
    period_start = models.DateField()
    period_end = models.DateField()
    conditions = models.JSONField(default=list, blank=True)
    terms_version = models.PositiveIntegerField()

    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    acceptance_due_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=30, choices=AwardStatus.choices, default=AwardStatus.PENDING_ACCEPTANCE, db_index=True
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    rescinded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rescinded_at = models.DateTimeField(null=True, blank=True)

    letter_file = models.FileField(upload_to="letters/", max_length=255, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    letter_generated_at = models.DateTimeField(null=True, blank=True)
    letter_status = models.CharField(
        max_length=10, choices=LetterStatus.choices, default=LetterStatus.PENDING, db_index=True
    )
    letter_error = models.TextField(blank=True)
    letter_version = models.PositiveIntegerField(null=True, blank=True)
    letter_attempts = models.PositiveIntegerField(default=0)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "sequence"], name="unique_award_sequence"),
        ]

    def __str__(self) -> str:
        return self.award_number

    def save(self, *args, **kwargs):
        if self.acceptance_due_at is None and self.issued_at is not None:
            from .services import default_acceptance_due_at

            self.acceptance_due_at = default_acceptance_due_at(self.issued_at)
        super().save(*args, **kwargs)

    @property
    def is_credit(self) -> bool:
        return self.instrument in (Instrument.LOAN, Instrument.LOAN_GUARANTEE)


class LoanTerms(models.Model):
    """Repayment terms of a loan or loan guarantee award; the schedule is derived from them."""

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="loan")
    principal = models.DecimalField(**MONEY)
    annual_rate_percent = models.DecimalField(**RATE, validators=RATE_RANGE)
    term_months = models.PositiveIntegerField()
    grace_months = models.PositiveIntegerField(default=0)
    payment_frequency = models.CharField(max_length=12, choices=PaymentFrequency.choices)
    first_payment_date = models.DateField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "loan terms"
        verbose_name_plural = "loan terms"

    def __str__(self) -> str:
        return f"Loan terms of {self.award}"

    def inputs(self):
        """These terms as ``awards.schedule.LoanInputs``."""
        from .schedule import LoanInputs

        return LoanInputs(
            principal=self.principal, annual_rate_percent=self.annual_rate_percent,
            term_months=self.term_months, grace_months=self.grace_months,
            payment_frequency=self.payment_frequency, first_payment_date=self.first_payment_date,
        )


class ObligationQuerySet(RestrictedQuerySet):
    def active(self) -> "ObligationQuerySet":
        return self.filter(released_at__isnull=True)


class Obligation(models.Model):
    """What an award consumes from its opportunity's budget (released when rescinded).

    Grants, cooperative agreements and purchase commitments obligate the federal amount;
    loans and guarantees obligate principal x credit subsidy rate (Federal Credit Reform Act).
    """

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="obligation")
    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.PROTECT, related_name="obligations")
    instrument = models.CharField(max_length=30, choices=Instrument.choices)
    amount = models.DecimalField(**MONEY, validators=NON_NEGATIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["opportunity", "released_at"])]

    def __str__(self) -> str:
        return f"{self.amount} for {self.award}"


class AwardNumberSequence(models.Model):
    """Last award number drawn per fiscal year, locked with SELECT ... FOR UPDATE.

    The increment happens inside the award's transaction, so a rolled-back award rolls the
    number back too: numbers are gap-free.
    """

    fiscal_year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"FY{self.fiscal_year}: {self.last_number}"
