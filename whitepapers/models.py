"""White papers: the first step of a two-step solicitation (domain.md, "Two-step solicitations")."""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField

from accounts.models import Organization
from applications.choices import Instrument
from applications.models import FundingOpportunity, Project
from dpa_funding.querysets import RestrictedQuerySet

from .choices import MAX_PAGES, WhitePaperDocumentKind, WhitePaperStatus


class WhitePaperQuerySet(RestrictedQuerySet):
    def with_related(self) -> "WhitePaperQuerySet":
        return self.select_related("opportunity", "organization", "project")


class WhitePaper(ConcurrentTransitionMixin, models.Model):
    """A short concept paper sent before a full proposal: project, instrument, estimated
    federal amount, summary and one white_paper document. Officers encourage it (with the
    date the full proposal is due) or discourage it. Its status changes only through the
    lifecycle door (dpa_funding.lifecycle.fire; the table is whitepapers/workflow.py): the
    FSM field is protected, so assigning it raises."""

    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.PROTECT, related_name="white_papers")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="white_papers")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="white_papers")
    title = models.CharField(max_length=250)
    instrument = models.CharField(max_length=30, choices=Instrument.choices)
    federal_amount_estimate = models.DecimalField(
        max_digits=15, decimal_places=2, validators=[MinValueValidator(Decimal("0"))],
        help_text="Estimated federal amount of the full proposal.",
    )
    summary = models.TextField(blank=True)
    status = FSMField(max_length=20, choices=WhitePaperStatus.choices, default=WhitePaperStatus.DRAFT,
                      protected=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    # Set when encouraged: the full application must be submitted before it (instead of the
    # opportunity's closes_at). Indexed: the reminder sweep reads it by range.
    proposal_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WhitePaperQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["opportunity", "status"], name="wp_opp_status_idx")]

    def __str__(self) -> str:
        return f"White paper #{self.pk} {self.title}"


def white_paper_upload_to(instance: "WhitePaperDocument", filename: str) -> str:
    # Generated names only: the original name is data, never a path.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"white_papers/{instance.white_paper_id}/{uuid.uuid4().hex}{suffix}"


class WhitePaperDocument(models.Model):
    """The white paper itself: one PDF of at most MAX_PAGES pages per white paper (a new
    upload while the paper is a draft replaces the previous one)."""

    white_paper = models.OneToOneField(WhitePaper, on_delete=models.CASCADE, related_name="document")
    kind = models.CharField(max_length=20, choices=WhitePaperDocumentKind.choices,
                            default=WhitePaperDocumentKind.WHITE_PAPER)
    file = models.FileField(upload_to=white_paper_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveSmallIntegerField(help_text=f"At most {MAX_PAGES}.")
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"White paper document: {self.original_name}"
