"""Serializers of the post-award API (shapes from api.md: milestones, reports, modifications)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.choices import BUDGET_CATEGORIES
from awards.choices import AwardStatus

from ..choices import (
    PROGRESS_SECTIONS,
    SF425_LINES,
    MilestoneStatus,
    ModificationKind,
    ModificationStatus,
    ReportKind,
    ReportStatus,
)
from ..models import AwardDocument, Milestone, Modification, Report
from ..workflow import lifecycle

MONEY = {"max_digits": 15, "decimal_places": 2}


def _transition_names(key: str) -> list[str]:
    return [t.name for t in lifecycle.get(key).transitions]


class AwardDocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AwardDocument
        fields = ["id", "award", "original_name", "size", "content_type", "sha256", "uploaded_by",
                  "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return reverse("postaward-api:award-document-download", kwargs={"pk": obj.pk})


class AwardDocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(use_url=False, allow_empty_file=True,
                                 help_text="PDF, DOCX, XLSX, CSV, PNG or JPEG; type decided by content.")


class MilestoneSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, read_only=True)
    evidence_documents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "award", "title", "description", "due_date", "due_at", "status", "overdue",
                  "evidence_comment", "evidence_documents", "submitted_at", "accepted_at"]
        read_only_fields = ["id", "award", "due_at", "status", "evidence_comment", "evidence_documents",
                            "submitted_at", "accepted_at"]

    def get_overdue(self, obj) -> bool:
        from django.utils import timezone

        return obj.status == MilestoneStatus.DUE and obj.due_at <= timezone.now()


class MilestoneCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    due_date = serializers.DateField()


class MilestoneTransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="submit: the evidence; return: required, to the recipient.")
    documents = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                      help_text="submit: ids of documents uploaded to the award.")
    expected_status = serializers.ChoiceField(choices=MilestoneStatus.choices, required=False)


@extend_schema_field({
    "type": "object", "additionalProperties": True,
    "description": "Financial reports: the SF-425 lines " + ", ".join(f"`{n}`" for n, _ in SF425_LINES)
                   + " as decimal strings. Progress reports: the sections "
                   + ", ".join(f"`{n}`" for n, _ in PROGRESS_SECTIONS) + " as text.",
})
class ReportDataField(serializers.JSONField):
    pass


class ReportSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)
    data = ReportDataField(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "award", "kind", "final", "period_start", "period_end", "due_date", "due_at", "status",
                  "overdue", "data", "submitted_at", "accepted_at"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        from django.utils import timezone

        return obj.status == ReportStatus.DUE and obj.due_at <= timezone.now()


class ReportInputSerializer(serializers.Serializer):
    data = ReportDataField(help_text="The whole form; replaces what was saved.")


class ReportTransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Required for return (to the recipient).")
    expected_status = serializers.ChoiceField(choices=ReportStatus.choices, required=False)


ModificationBudgetSerializer = type("ModificationBudgetSerializer", (serializers.Serializer,), {
    "__doc__": "Revised SF-424A budget by object class.",
    **{name: serializers.DecimalField(**MONEY, required=False, help_text=label) for name, label in BUDGET_CATEGORIES},
})


class ModificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ModificationKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=ModificationStatus.choices, read_only=True)
    budget = ModificationBudgetSerializer(read_only=True, allow_null=True)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    letter = serializers.SerializerMethodField()

    class Meta:
        model = Modification
        fields = ["id", "award", "kind", "new_period_end", "federal_amount_delta", "budget", "justification",
                  "number", "status", "proposed_by", "proposed_at", "decided_at", "letter"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "status": {"type": "string", "enum": ["pending", "ready"]},
        "sha256": {"type": "string"}, "url": {"type": "string"}}})
    def get_letter(self, obj):
        if obj.status != ModificationStatus.APPROVED:
            return None
        return {"status": "ready" if obj.letter_sha256 else "pending", "sha256": obj.letter_sha256,
                "url": reverse("postaward-api:modification-letter", kwargs={"pk": obj.pk})}


class ModificationInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ModificationKind.choices)
    justification = serializers.CharField()
    new_period_end = serializers.DateField(required=False, allow_null=True, default=None,
                                           help_text="No-cost extension: the new end of the period.")
    federal_amount_delta = serializers.DecimalField(**MONEY, required=False, allow_null=True, default=None,
                                                    help_text="Funding change: + obligates, - releases.")
    budget = ModificationBudgetSerializer(required=False, allow_null=True, default=None,
                              help_text="Budget revision: the revised budget by object class.")


class ModificationTransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Required for reject (to the recipient).")
    expected_status = serializers.ChoiceField(choices=ModificationStatus.choices, required=False)


class AwardTransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    expected_status = serializers.ChoiceField(choices=AwardStatus.choices, required=False)


class DueItemSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[("milestone", "Milestone"), ("report", "Report")])
    id = serializers.IntegerField()
    award = serializers.IntegerField()
    award_number = serializers.CharField()
    title = serializers.CharField()
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    overdue = serializers.BooleanField()


class PortfolioRowSerializer(serializers.Serializer):
    award = serializers.IntegerField()
    award_number = serializers.CharField()
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    instrument = serializers.CharField()
    status = serializers.ChoiceField(choices=AwardStatus.choices)
    period_end = serializers.DateField()
    obligated = serializers.DecimalField(**MONEY)
    drawn = serializers.DecimalField(**MONEY)
    milestones_late = serializers.IntegerField()
    reports_due = serializers.IntegerField()
    reports_overdue = serializers.IntegerField()
    delinquent = serializers.BooleanField()


TRANSITION_NAMES = {key: _transition_names(key) for key in ("milestone", "report", "modification")}
