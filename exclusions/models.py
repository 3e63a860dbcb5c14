"""SAM.gov Exclusions Public Extract, imports of it, and checks made against it
(domain.md "Responsibility checks before award")."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from dpa_funding.querysets import RestrictedQuerySet

from .choices import CheckOccasion, CheckResult, ExtractSource


class SamExtract(models.Model):
    """One imported Public Extract file. Checks name the extract they were made against."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=ExtractSource.choices)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # Records of superseded extracts are deleted at the next import (150,000 rows each);
    # this row stays, so older checks still say which extract they used.
    records_kept = models.BooleanField(default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-id"]
        get_latest_by = "imported_at"

    def __str__(self) -> str:
        return f"SAM extract {self.file_name} ({self.imported_at:%Y-%m-%d})"


class SamExclusion(models.Model):
    """One record of the Public Extract (columns as SAM.gov names them)."""

    extract = models.ForeignKey(SamExtract, on_delete=models.CASCADE, related_name="records")
    classification = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=400, blank=True)
    prefix = models.CharField(max_length=40, blank=True)
    first = models.CharField(max_length=100, blank=True)
    middle = models.CharField(max_length=100, blank=True)
    last = models.CharField(max_length=100, blank=True)
    suffix = models.CharField(max_length=40, blank=True)
    address_1 = models.CharField(max_length=200, blank=True)
    address_2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField(max_length=40, blank=True)
    uei = models.CharField("UEI", max_length=20, blank=True)
    exclusion_program = models.CharField(max_length=100, blank=True)
    excluding_agency = models.CharField(max_length=200, blank=True)
    ct_code = models.CharField(max_length=100, blank=True)
    exclusion_type = models.CharField(max_length=200, blank=True)
    additional_comments = models.TextField(blank=True)
    active_date = models.DateField(null=True, blank=True)
    termination_date = models.DateField(null=True, blank=True, help_text="Empty: indefinite.")
    record_status = models.CharField(max_length=20, blank=True)
    cross_reference = models.TextField(blank=True)
    sam_number = models.CharField(max_length=40, blank=True)
    cage = models.CharField(max_length=20, blank=True)
    npi = models.CharField(max_length=20, blank=True)
    creation_date = models.DateField(null=True, blank=True)
    normalized_name = models.CharField(max_length=400, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["extract", "uei"], name="samexcl_extract_uei",
                         condition=~Q(uei="")),
            models.Index(fields=["extract", "normalized_name"], name="samexcl_extract_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or " ".join(p for p in (self.first, self.middle, self.last) if p)


class ExclusionCheck(models.Model):
    """One check of an organization against an extract, kept with the application when it
    was made for one (the select and award transitions) or by an officer."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="exclusion_checks")
    application = models.ForeignKey("applications.Application", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="exclusion_checks")
    extract = models.ForeignKey(SamExtract, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="checks")
    occasion = models.CharField(max_length=10, choices=CheckOccasion.choices)
    result = models.CharField(max_length=20, choices=CheckResult.choices)
    uei = models.CharField("UEI checked", max_length=12)
    legal_name = models.CharField("name checked", max_length=200)
    exclusions = models.JSONField(default=list, blank=True, help_text="Active records with the UEI.")
    possible_matches = models.JSONField(default=list, blank=True,
                                        help_text="Active records without a UEI and with the same name.")
    clearance = models.ForeignKey("SamClearance", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    checked_at = models.DateTimeField()
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"Exclusion check of {self.uei}: {self.get_result_display()}"


class SamClearance(models.Model):
    """An officer's finding that the possible name matches in one extract are not this
    organization (with the reason). A newer extract needs its own clearance."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="sam_clearances")
    extract = models.ForeignKey(SamExtract, on_delete=models.PROTECT, related_name="clearances")
    comment = models.TextField()
    matches = models.JSONField(default=list, help_text="The records cleared.")
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cleared_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-cleared_at", "-id"]

    def __str__(self) -> str:
        return f"Clearance of {self.organization_id} for {self.extract_id}"
