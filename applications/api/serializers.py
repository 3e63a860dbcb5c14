"""Serializers for the applications API. They shape and type-check input; the services in
applications.services validate the business rules and do the writes."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organization
from applications import workflow
from applications.choices import BUDGET_CATEGORIES, ApplicationStatus, DocumentKind, Instrument
from applications.models import (
    Application,
    Document,
    FundingOpportunity,
    Mineral,
    Project,
    RubricCriterion,
)
from dpa_funding import policy
from whitepapers.models import WhitePaper

MONEY = {"max_digits": 15, "decimal_places": 2, "min_value": Decimal("0")}

# Enum values for the OpenAPI schema (named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
TRANSITION_NAMES = [(name, spec.label) for name, spec in workflow.TRANSITIONS.items()]
# History also holds rows written outside the workflow table: "import" for historical records.
HISTORY_TRANSITION_NAMES = [*TRANSITION_NAMES, ("import", "Imported")]


def _fixed_on_update(serializer, attrs: dict, names: tuple[str, ...]) -> dict:
    """Fields set at creation may be repeated on update but not changed."""
    if serializer.instance is None:
        return attrs
    errors = {}
    for name in names:
        if name in attrs:
            if attrs[name] != getattr(serializer.instance, name):
                errors[name] = ["This field cannot be changed."]
            attrs.pop(name)
    if errors:
        raise serializers.ValidationError(errors)
    return attrs


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request else None


class MineralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mineral
        fields = ["id", "name", "symbol", "group", "usgs_2022", "usgs_2025", "eo_14241_named"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    """A facility. ``organization`` must be one the user belongs to and is fixed afterwards."""

    minerals = serializers.PrimaryKeyRelatedField(many=True, queryset=Mineral.objects.all())
    organization_name = serializers.CharField(source="organization.legal_name", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "organization", "organization_name", "name", "facility_type", "stage", "minerals",
                  "country", "state", "county",
                  "latitude", "longitude", "annual_capacity_tonnes", "on_military_installation",
                  "description", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "latitude": {"validators": []}, "longitude": {"validators": []},
            "country": {"required": False},
            "state": {"help_text": "The country's subdivision code: 'NV', 'ON', 'WA', 'SCT'."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None and "organization" in self.fields:
            # An organization the user cannot see is reported as not existing.
            self.fields["organization"].queryset = Organization.objects.restrict(user)

    def validate(self, attrs):
        return _fixed_on_update(self, attrs, ("organization",))


class RubricCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RubricCriterion
        fields = ["id", "name", "description", "weight", "allows_na"]
        read_only_fields = ["id"]
        extra_kwargs = {"description": {"required": False}, "allows_na": {"required": False}}


class OpportunitySerializer(serializers.ModelSerializer):
    """A funding opportunity with its rubric (weights must sum to 100)."""

    instruments = serializers.ListField(child=serializers.ChoiceField(choices=Instrument.choices),
                                        allow_empty=False)
    eligible_minerals = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Mineral.objects.all(), required=False, help_text="Empty means all minerals."
    )
    rubric = RubricCriterionSerializer(many=True)

    class Meta:
        model = FundingOpportunity
        fields = ["id", "number", "title", "description", "instruments", "opens_at", "closes_at",
                  "budget_ceiling", "max_award", "min_cost_share_percent", "eligible_minerals",
                  "min_reviewers", "review_window_days", "credit_subsidy_rate_percent", "rubric",
                  "two_step", "white_paper_closes_at", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness of the number is enforced by the service's full_clean (one source of errors).
        extra_kwargs = {"number": {"validators": []}, "two_step": {"required": False},
                        "white_paper_closes_at": {"required": False}}


class BudgetSerializer(serializers.Serializer):
    """SF-424A section B object classes; totals are derived."""

    # Sums of up to nine 15-digit amounts need 16 digits; 15 made serializing them a 500.
    total_direct = serializers.DecimalField(source="budget_total_direct", read_only=True,
                                            max_digits=16, decimal_places=2)
    total = serializers.DecimalField(source="budget_total", read_only=True, max_digits=16, decimal_places=2)

    def get_fields(self):
        fields = {
            name: serializers.DecimalField(source=f"budget_{name}", required=False, help_text=label, **MONEY)
            for name, label in BUDGET_CATEGORIES
        }
        fields.update(super().get_fields())
        return fields


class ApplicationListSerializer(serializers.ModelSerializer):
    """An application as listed: no per-row queries beyond the list's select_related."""

    organization_name = serializers.CharField(source="organization.legal_name", read_only=True)
    opportunity_number = serializers.CharField(source="opportunity.number", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    budget = BudgetSerializer(source="*", required=False)
    total_project_cost = serializers.DecimalField(read_only=True, max_digits=16, decimal_places=2)

    class Meta:
        model = Application
        fields = ["id", "opportunity", "opportunity_number", "organization", "organization_name",
                  "project", "project_name", "title", "instrument", "federal_amount_requested",
                  "cost_share_amount", "total_project_cost", "period_start", "period_end", "summary",
                  "budget", "status", "submitted_at", "response_due_at", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "submitted_at", "response_due_at", "created_at", "updated_at"]


class TransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=TRANSITION_NAMES)
    label = serializers.CharField()
    target = serializers.ChoiceField(choices=ApplicationStatus.choices)


class SubmittedProjectSerializer(serializers.Serializer):
    """The project as submitted (every project field, plus mineral names)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    minerals = serializers.ListField(child=serializers.CharField(), help_text="Mineral names.")
    mineral_ids = serializers.ListField(child=serializers.IntegerField())


class SubmittedRecordSerializer(serializers.Serializer):
    """What the application relied on at its last submit or resubmit; later edits to the
    organization or project do not change it."""

    submitted_at = serializers.DateTimeField()
    organization = serializers.DictField(help_text="Identifiers, address and ownership as submitted.")
    project = SubmittedProjectSerializer()
    budget = serializers.DictField(help_text="SF-424A object classes, total, federal amount and cost share.")


class ApplicationSerializer(ApplicationListSerializer):
    """An application in full, with the transitions the requesting user may fire now."""

    available_transitions = serializers.SerializerMethodField()
    submitted_record = serializers.SerializerMethodField()
    white_paper = serializers.PrimaryKeyRelatedField(
        queryset=WhitePaper.objects.all(), required=False, allow_null=True,
        help_text="Two-step opportunities: the organization's encouraged white paper for this "
                  "opportunity (required there, refused elsewhere). Fixed after creation.",
    )

    class Meta(ApplicationListSerializer.Meta):
        fields = [*ApplicationListSerializer.Meta.fields, "white_paper", "available_transitions",
                  "submitted_record"]

    @extend_schema_field(SubmittedRecordSerializer(allow_null=True))
    def get_submitted_record(self, obj) -> dict | None:
        return obj.submitted_record or None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        # Only a serializer given data looks these up; one that only renders skips building
        # the fields and three restricted querysets (create and submit render one each).
        if user is not None and hasattr(self, "initial_data"):
            # Organizations and projects the user cannot see are reported as not existing.
            # The organization comes with the user's role in it, which the service's policy
            # check asks for next (seeded in validate: no statement of its own).
            self.fields["organization"].queryset = policy.with_member_role(
                Organization.objects.restrict(user), user, "pk")
            self.fields["project"].queryset = Project.objects.restrict(user)
            self.fields["white_paper"].queryset = WhitePaper.objects.restrict(user)

    def validate(self, attrs):
        organization = attrs.get("organization")
        if organization is not None:
            policy.remember_member_role(organization, _user(self), organization.pk)
        return _fixed_on_update(self, attrs, ("opportunity", "organization", "white_paper"))

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=TRANSITION_NAMES)))
    def get_available_transitions(self, obj) -> list[str]:
        from applications.services import available_transitions

        user = _user(self)
        return [spec.name for spec in available_transitions(obj, user)] if user else []


class TransitionRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    response_due_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Required for request_revision; in the future."
    )
    acceptance_due_at = serializers.DateTimeField(
        required=False, allow_null=True,
        help_text="award only: the acceptance deadline (in the future); default 5:00 p.m. Eastern "
                  "on the 30th day after issue.",
    )
    expected_status = serializers.CharField(
        required=False, help_text="If given and the application is no longer in this status, "
                                  "nothing changes and 409 conflict is returned.",
    )


class HistoryEntrySerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=HISTORY_TRANSITION_NAMES)
    from_state = serializers.ChoiceField(choices=ApplicationStatus.choices)
    to_state = serializers.ChoiceField(choices=ApplicationStatus.choices)
    actor = serializers.CharField(help_text="A name, or 'Program office' / 'System' as the reader may see it.")
    comment = serializers.CharField()
    at = serializers.DateTimeField()


class DocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "application", "kind", "original_name", "size", "content_type", "sha256",
                  "uploaded_by", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("api-document-download", kwargs={"pk": obj.pk})


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(use_url=False, allow_empty_file=True,
                                 help_text="PDF, DOCX, XLSX, CSV, PNG or JPEG; type decided by content.")
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
