"""Minerals, projects, funding opportunities, applications, documents and the audit log."""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django_fsm import ConcurrentTransitionMixin, FSMField

from accounts.geography import Country, location_errors, subdivision_name
from accounts.models import Organization
from audit.append_only import AppendOnlyModel
from dpa_funding.querysets import RestrictedQuerySet

from .choices import (
    BUDGET_CATEGORIES,
    DIRECT_BUDGET_CATEGORIES,
    ApplicationStatus,
    DocumentKind,
    FacilityType,
    Instrument,
    MineralGroup,
    ProjectStage,
)
from .selectors import ApplicationQuerySet, ProjectQuerySet

MONEY = {"max_digits": 15, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Mineral(models.Model):
    """A mineral commodity a project may produce: USGS critical minerals plus EO 14241 additions.

    Data, not an enum: the NEDC Chair may designate more, and administrators add them here.
    """

    name = models.CharField(max_length=80, unique=True)
    symbol = models.CharField(max_length=3, blank=True)
    group = models.CharField(max_length=20, choices=MineralGroup.choices, default=MineralGroup.OTHER)
    usgs_2022 = models.BooleanField("USGS 2022 list", default=False)
    usgs_2025 = models.BooleanField("USGS 2025 list", default=False)
    eo_14241_named = models.BooleanField("named in EO 14241", default=False)
    designation_note = models.CharField(
        max_length=300, blank=True, help_text="Source of a later designation (e.g. NEDC Chair memo)."
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A mine or facility an organization seeks funding for."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    facility_type = models.CharField(max_length=30, choices=FacilityType.choices)
    stage = models.CharField(max_length=20, choices=ProjectStage.choices)
    minerals = models.ManyToManyField(Mineral, related_name="projects")
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.US)
    # The site's subdivision (ISO 3166-2 without the prefix); validated with the country.
    state = models.CharField(max_length=3, help_text="State, province, territory or nation code.")
    county = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    annual_capacity_tonnes = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    on_military_installation = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = location_errors(self.country, self.state, None, district_field=False)
        if errors:
            raise ValidationError(errors)

    @property
    def state_name(self) -> str:
        return subdivision_name(self.country, self.state)


class FundingOpportunity(models.Model):
    """A solicitation (NOFO): window, money, eligibility, review settings and the rubric."""

    number = models.CharField(max_length=40, unique=True, help_text="e.g. FA8650-26-S-0001")
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    instruments = models.JSONField(default=list, help_text="Instrument codes allowed.")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField(db_index=True)  # the reminder sweep queries it by range
    budget_ceiling = models.DecimalField(**MONEY, validators=NON_NEGATIVE)
    max_award = models.DecimalField(**MONEY, validators=NON_NEGATIVE)
    min_cost_share_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT
    )
    eligible_minerals = models.ManyToManyField(
        Mineral, blank=True, related_name="opportunities", help_text="Empty means all minerals."
    )
    min_reviewers = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    review_window_days = models.PositiveSmallIntegerField(default=30)
    credit_subsidy_rate_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("10"), validators=PERCENT
    )
    # Two-step solicitations (domain.md): white papers first, by white_paper_closes_at;
    # full applications only from encouraged white papers, each by its proposal_due_at.
    two_step = models.BooleanField(
        default=False, help_text="White papers first; full proposals only when a white paper is encouraged.")
    white_paper_closes_at = models.DateTimeField(
        null=True, blank=True, db_index=True,  # the reminder sweep queries it by range
        help_text="When white papers are due (two-step opportunities only).")
    program_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_opportunities",
        help_text="Officers who receive escalations for this opportunity.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name_plural = "funding opportunities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="opportunity_window_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    @property
    def instrument_labels(self) -> list[str]:
        """The instruments offered, as people read them ("Cooperative agreement")."""
        labels = dict(Instrument.choices)
        return [str(labels.get(code, code)) for code in (self.instruments or [])]

    def takes_white_papers(self, at=None) -> bool:
        """A two-step opportunity between opening and its white-paper due date."""
        at = at or timezone.now()
        return bool(self.two_step and self.white_paper_closes_at and self.opens_at <= at < self.white_paper_closes_at)


class RubricCriterion(models.Model):
    """One weighted merit-review criterion; an opportunity's weights sum to 100."""

    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.CASCADE, related_name="rubric")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    allows_na = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["opportunity", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class Application(ConcurrentTransitionMixin, models.Model):
    """A funding request (SF-424 core, SF-424A budget). Its status changes only through the lifecycle door
    (dpa_funding.lifecycle.fire; the table is applications/workflow.py): the FSM field is
    protected, so assigning it raises."""

    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.PROTECT, related_name="applications")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="applications")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="applications")
    title = models.CharField(max_length=250)
    instrument = models.CharField(max_length=30, choices=Instrument.choices)
    federal_amount_requested = models.DecimalField(**MONEY, validators=NON_NEGATIVE)
    cost_share_amount = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    budget_personnel = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    budget_fringe = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    budget_travel = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    budget_equipment = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    budget_supplies = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    budget_contractual = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    budget_construction = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    budget_other = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    budget_indirect = models.DecimalField(**MONEY, default=Decimal("0"), validators=NON_NEGATIVE)

    status = FSMField(
        max_length=30, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT,
        protected=True, db_index=True,
    )
    # For a two-step opportunity: the encouraged white paper this full application stands on.
    white_paper = models.ForeignKey(
        "whitepapers.WhitePaper", on_delete=models.PROTECT, null=True, blank=True, related_name="applications",
    )
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Frozen at the last submit/resubmit (applications.record): what review and award rely on.
    submitted_record = models.JSONField(null=True, blank=True, editable=False)
    submitted_minerals = models.ManyToManyField(
        Mineral, blank=True, related_name="submitted_applications", editable=False,
        help_text="The project's minerals at the last submission (funds by mineral count these).",
    )
    response_due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Deadline of the open revision request."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # Each API ordering ends with the id (a stable tie-break); these let PostgreSQL read
        # a page in order from an index instead of sorting every matching row.
        indexes = [
            models.Index(fields=["opportunity", "status", "submitted_at", "id"], name="app_opp_status_sub_idx"),
            models.Index(fields=["created_at", "id"], name="app_created_id_idx"),
            models.Index(fields=["submitted_at", "id"], name="app_submitted_id_idx"),
            models.Index(fields=["federal_amount_requested", "id"], name="app_amount_id_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @cached_property
    def record(self):
        """The organization, project and budget as submitted (applications.record)."""
        from .record import record_of

        return record_of(self)

    # Budget totals are derived, never typed twice.
    def budget(self) -> dict[str, Decimal]:
        return {name: getattr(self, f"budget_{name}") for name, _ in BUDGET_CATEGORIES}

    @property
    def budget_total_direct(self) -> Decimal:
        return sum((getattr(self, f"budget_{n}") for n in DIRECT_BUDGET_CATEGORIES), Decimal("0"))

    @property
    def budget_total(self) -> Decimal:
        return self.budget_total_direct + self.budget_indirect

    @property
    def total_project_cost(self) -> Decimal:
        return (self.federal_amount_requested or Decimal("0")) + (self.cost_share_amount or Decimal("0"))

    @property
    def cost_share_percent(self) -> Decimal:
        total = self.total_project_cost
        return (self.cost_share_amount / total * 100) if total else Decimal("0")


def document_upload_to(instance: "Document", filename: str) -> str:
    # Stored names are generated: the original name is kept only as data, never as a path.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"documents/{instance.application_id}/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    """A file attached to an application, verified by magic bytes and hashed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class TransitionLog(AppendOnlyModel):
    """Append-only record of every state change of any workflow object.

    Python refuses updates and deletes (AppendOnlyModel); so does a database trigger.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(max_length=50)
    from_state = models.CharField(max_length=30)
    to_state = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Empty when the system made the change.",
    )
    comment = models.TextField(blank=True)
    # Internal comments are for federal staff; applicants and reviewers never see them.
    comment_internal = models.BooleanField(default=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_state} -> {self.to_state}"

    def delete(self, *args, **kwargs):
        raise ValueError("Transition log rows are append-only.")


class IdempotencyRecord(models.Model):
    """The first response to an Idempotency-Key, replayed for 24 hours (api.md)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=255, help_text="Method and path the key was used on.")
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "scope"], name="unique_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} key {self.key}"
