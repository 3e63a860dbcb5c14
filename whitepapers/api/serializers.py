"""Serializers for the white-paper API: shapes and types only; whitepapers.services decides."""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organization
from applications.models import FundingOpportunity, Project
from whitepapers import workflow
from whitepapers.choices import WhitePaperDocumentKind, WhitePaperStatus
from whitepapers.models import WhitePaper, WhitePaperDocument

# Enum values for the OpenAPI schema (named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
TRANSITION_NAMES = workflow.choices()


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request else None


class WhitePaperSerializer(serializers.ModelSerializer):
    """A white paper as listed (no per-row queries beyond the list's select_related)."""

    federal_amount_estimate = serializers.DecimalField(max_digits=15, decimal_places=2, min_value=Decimal("0"))
    opportunity_number = serializers.CharField(source="opportunity.number", read_only=True)
    organization_name = serializers.CharField(source="organization.legal_name", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    status = serializers.ChoiceField(choices=WhitePaperStatus.choices, read_only=True)

    class Meta:
        model = WhitePaper
        fields = ["id", "opportunity", "opportunity_number", "organization", "organization_name", "project",
                  "project_name", "title", "instrument", "federal_amount_estimate", "summary", "status",
                  "submitted_at", "decided_at", "proposal_due_at", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "submitted_at", "decided_at", "proposal_due_at", "created_at",
                            "updated_at"]
        extra_kwargs = {"summary": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            # What the user cannot see is reported as not existing.
            self.fields["organization"].queryset = Organization.objects.restrict(user)
            self.fields["project"].queryset = Project.objects.restrict(user)
            self.fields["opportunity"].queryset = FundingOpportunity.objects.restrict(user)

    def validate(self, attrs):
        if self.instance is None:
            return attrs
        errors = {}
        for name in ("opportunity", "organization"):  # fixed at creation; may be repeated unchanged
            if name in attrs and attrs.pop(name) != getattr(self.instance, name):
                errors[name] = ["This field cannot be changed."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class WhitePaperDetailSerializer(WhitePaperSerializer):
    """A white paper in full: the transitions the requesting user may fire now and the full
    applications that stand on it."""

    available_transitions = serializers.SerializerMethodField()
    applications = serializers.SerializerMethodField()

    class Meta(WhitePaperSerializer.Meta):
        fields = [*WhitePaperSerializer.Meta.fields, "applications", "available_transitions"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=TRANSITION_NAMES)))
    def get_available_transitions(self, obj) -> list[str]:
        from whitepapers.services import available_transitions

        user = _user(self)
        return [t.name for t in available_transitions(obj, user)] if user else []

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_applications(self, obj) -> list[int]:
        """Ids of the full applications that stand on this white paper (as the user may see them)."""
        from applications.models import Application

        user = _user(self)
        if user is None:
            return []
        return list(Application.objects.restrict(user).filter(white_paper_id=obj.pk)
                    .order_by("id").values_list("id", flat=True))


class WhitePaperTransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=TRANSITION_NAMES)
    label = serializers.CharField()
    target = serializers.ChoiceField(choices=WhitePaperStatus.choices)


class WhitePaperTransitionRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Required for discourage; shown to the applicant.")
    proposal_due_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Required for encourage: when the full proposal is due.")
    expected_status = serializers.ChoiceField(
        choices=WhitePaperStatus.choices, required=False,
        help_text="If given and the white paper is no longer in this status, nothing changes (409 conflict).")


class WhitePaperHistoryEntrySerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=TRANSITION_NAMES)
    from_state = serializers.ChoiceField(choices=WhitePaperStatus.choices)
    to_state = serializers.ChoiceField(choices=WhitePaperStatus.choices)
    actor = serializers.CharField(help_text="A name, or 'Program office' / 'System' as the reader may see it.")
    comment = serializers.CharField()
    at = serializers.DateTimeField()


class WhitePaperDocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    kind = serializers.ChoiceField(choices=WhitePaperDocumentKind.choices, read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = WhitePaperDocument
        fields = ["id", "white_paper", "kind", "original_name", "size", "pages", "content_type", "sha256",
                  "uploaded_by", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return reverse("api-white-paper-document-download", kwargs={"pk": obj.pk})


class WhitePaperDocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(use_url=False, allow_empty_file=True,
                                 help_text="The white paper: one PDF of at most 10 pages (replaces any earlier one).")
    kind = serializers.ChoiceField(choices=WhitePaperDocumentKind.choices, required=False,
                                   default=WhitePaperDocumentKind.WHITE_PAPER)
