"""Post-award records: evidence documents, milestones, reports, modifications and the
obligation changes that modifications and closeout make (domain.md, "Award lifecycle and
post-award management"). States change only through ``lifecycle.fire`` (postaward.workflow).
"""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models

from awards.models import MONEY, Award
from dpa_funding.querysets import RestrictedQuerySet

from .choices import (
    MilestoneStatus,
    ModificationKind,
    ModificationStatus,
    ObligationChangeReason,
    ReportKind,
    ReportStatus,
)


def award_document_upload_to(instance: "AwardDocument", filename: str) -> str:
    # Generated names: the original name is data, never a path.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"award-documents/{instance.award_id}/{uuid.uuid4().hex}{suffix}"


class AwardDocument(models.Model):
    """A file a recipient attaches to an award (milestone evidence), checked like
    application documents (magic bytes, size, sha256)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=award_document_upload_to, max_length=255)
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
        return self.original_name


class Milestone(models.Model):
    """A deliverable the officer sets; the recipient submits evidence, the officer accepts
    or returns it. ``due_at`` is ``due_date`` at 5:00 p.m. Eastern (the reminder sweep's
    indexed deadline)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_date = models.DateField()
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.DUE,
                              db_index=True)
    evidence_comment = models.TextField(blank=True)
    evidence_documents = models.ManyToManyField(AwardDocument, blank=True, related_name="milestones")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.award}: {self.title}"


class Report(models.Model):
    """One scheduled report (2 CFR 200.328-329): a progress report or an SF-425 for a
    calendar quarter of the period of performance, or a final one. ``data`` holds the
    form (SF-425 lines as decimal strings, or the progress narrative)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    final = models.BooleanField(default=False)
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField()
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE,
                              db_index=True)
    data = models.JSONField(default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["award", "kind", "final", "period_start"],
                                    name="unique_report_per_period"),
        ]

    def __str__(self) -> str:
        which = "Final " if self.final else ""
        return f"{which}{self.get_kind_display()} {self.period_start}–{self.period_end}"


class Modification(models.Model):
    """A change to an award (2 CFR 200.308), proposed by the recipient or an officer and
    approved by an officer with award authority. Numbered ``<award number>-M<nn>`` at
    approval; its letter is rendered by the letter worker (postaward.letters)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="modifications")
    kind = models.CharField(max_length=30, choices=ModificationKind.choices)
    status = models.CharField(max_length=20, choices=ModificationStatus.choices,
                              default=ModificationStatus.PROPOSED, db_index=True)
    justification = models.TextField()
    new_period_end = models.DateField(null=True, blank=True)
    federal_amount_delta = models.DecimalField(**MONEY, null=True, blank=True)
    budget = models.JSONField(null=True, blank=True, help_text="Revised SF-424A budget by object class.")
    previous_period_end = models.DateField(null=True, blank=True)
    previous_federal_amount = models.DecimalField(**MONEY, null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(max_length=30, blank=True, db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    letter_file = models.FileField(upload_to="letters/", max_length=255, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    letter_generated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["award", "sequence"], name="unique_modification_sequence"),
        ]

    def __str__(self) -> str:
        return self.number or f"Proposed {self.get_kind_display().lower()} to {self.award}"


class ObligationChange(models.Model):
    """One change to an award's obligation after issue: a funding modification (+/-) or
    the de-obligation at close. The award's ``Obligation.amount`` is the running figure;
    these rows say how it got there."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="obligation_changes")
    reason = models.CharField(max_length=20, choices=ObligationChangeReason.choices)
    amount = models.DecimalField(**MONEY, help_text="Positive obligates, negative releases.")
    modification = models.OneToOneField(Modification, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="obligation_change")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.award}: {self.amount:+} ({self.get_reason_display()})"


ZERO = Decimal("0.00")
