"""Serializers of the review API. They shape input and output only; services decide."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from applications.choices import DocumentKind, Instrument
from applications.models import Application
from dpa_funding import policy

from ..choices import ACCESS_STATES, SCORE_MAX, SCORE_MIN, AssignmentStatus


class CriterionScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX, allow_null=True,
                                     help_text="1-5; null = n/a (only where the criterion allows it).")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CriterionScoreOutSerializer(CriterionScoreSerializer):
    name = serializers.CharField()
    weight = serializers.IntegerField()


class ReviewerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class DocumentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    download_url = serializers.CharField()


class ApplicationContentSerializer(serializers.Serializer):
    """What a reviewer reads once the assignment is active."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    instrument = serializers.ChoiceField(choices=Instrument.choices)
    federal_amount_requested = serializers.DecimalField(max_digits=15, decimal_places=2)
    cost_share_amount = serializers.DecimalField(max_digits=15, decimal_places=2)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    project = serializers.CharField(source="project.name")
    documents = serializers.SerializerMethodField()

    @extend_schema_field(DocumentRefSerializer(many=True))
    def get_documents(self, app) -> list[dict]:
        return DocumentRefSerializer([
            {"id": d.pk, "kind": d.kind, "original_name": d.original_name, "size": d.size,
             "download_url": reverse("api-document-download", kwargs={"pk": d.pk})}
            for d in app.documents.all()
        ], many=True).data


class ReviewAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    application_title = serializers.CharField(source="application.title",
                                              help_text="Shown before certification so the reviewer can judge a conflict.")
    organization = serializers.IntegerField(source="application.organization_id")
    organization_name = serializers.CharField(source="application.organization.legal_name")
    opportunity = serializers.IntegerField(source="application.opportunity_id")
    reviewer = ReviewerSerializer()
    status = serializers.ChoiceField(choices=AssignmentStatus.choices)
    due_at = serializers.DateTimeField()
    has_conflict = serializers.BooleanField(allow_null=True)
    coi_statement = serializers.CharField()
    coi_certified_at = serializers.DateTimeField(allow_null=True)
    scores = CriterionScoreOutSerializer(many=True, source="score_rows")
    overall_comment = serializers.CharField()
    score = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()
    application_content = serializers.SerializerMethodField(
        help_text="The application's content; null until the assignment is active.")

    def to_representation(self, instance):
        instance.score_rows = [
            {"criterion": s.criterion_id, "name": s.criterion.name, "weight": s.criterion.weight,
             "score": s.score, "comment": s.comment}
            for s in instance.scores.all()
        ]
        return super().to_representation(instance)

    @extend_schema_field(ApplicationContentSerializer(allow_null=True))
    def get_application_content(self, assignment) -> dict | None:
        request = self.context.get("request")
        officer = request is not None and policy.may(request.user, "staff.read")
        # A reviewer reads the application only through an active or submitted assignment;
        # a pending or recused one shows the title and organization alone (to judge a conflict).
        if not officer and assignment.status not in ACCESS_STATES:
            return None
        return ApplicationContentSerializer(assignment.application).data


class ReviewAssignmentCreateSerializer(serializers.Serializer):
    application = serializers.PrimaryKeyRelatedField(queryset=Application.objects.all())
    reviewer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    due_at = serializers.DateTimeField(required=False, allow_null=True,
                                       help_text="Defaults to now + the opportunity's review window.")


class CoiSerializer(serializers.Serializer):
    has_conflict = serializers.BooleanField()
    statement = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="Required when has_conflict is true.")


class ScoresSerializer(serializers.Serializer):
    scores = CriterionScoreSerializer(many=True)
    overall_comment = serializers.CharField(required=False, allow_blank=True, default="")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ApplicationReviewSerializer(serializers.Serializer):
    reviewer_label = serializers.CharField(help_text='Officers: the reviewer\'s name; reviewers: "Reviewer N".')
    reviewer = ReviewerSerializer(allow_null=True, help_text="Officers only.")
    is_own = serializers.BooleanField()
    status = serializers.ChoiceField(choices=AssignmentStatus.choices)
    score = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    scores = CriterionScoreOutSerializer(many=True)
    overall_comment = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    application = serializers.IntegerField()
    title = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization")
    mean_score = serializers.FloatField()
    normalized_score = serializers.FloatField()
    review_count = serializers.IntegerField()
    score_spread = serializers.FloatField()
    flagged = serializers.BooleanField(help_text="score_spread above REVIEW_SPREAD_THRESHOLD.")

    def to_representation(self, row):
        data = super().to_representation(row)
        for key in ("mean_score", "normalized_score", "score_spread"):
            data[key] = round(data[key], 2)
        return data


class AutoAssignSerializer(serializers.Serializer):
    per_application = serializers.IntegerField(min_value=1)
    cap_per_reviewer = serializers.IntegerField(min_value=1)
    reviewers = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True,
                                      help_text="Reviewer ids to draw from; default every active reviewer.")
    due_at = serializers.DateTimeField(required=False, allow_null=True)


class UnfilledSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    missing = serializers.IntegerField()


class AutoAssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    assignments = ReviewAssignmentSerializer(many=True)
    unfilled = UnfilledSerializer(many=True)
