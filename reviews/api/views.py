"""Review API views: thin wrappers that look objects up through restrict() and call services."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.models import Application, Document, FundingOpportunity
from dpa_funding import policy
from dpa_funding.api.pagination import StandardPagination
from dpa_funding.api.schema import errors
from dpa_funding.api.validation import validate_all

from .. import services
from ..models import ReviewAssignment
from ..selectors import RANK_BY, application_reviews_for, opportunity_ranking
from . import serializers as s


def _paginated(view, request, items, serializer_class):
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(summary="Review assignments you may see (reviewers: your own; officers: all)",
                       responses={200: s.ReviewAssignmentSerializer(many=True), **errors()}),
    retrieve=extend_schema(summary="One assignment; application_content only once active",
                           responses={200: s.ReviewAssignmentSerializer, **errors(404)}),
    create=extend_schema(summary="Assign a reviewer (program officers)",
                         request=s.ReviewAssignmentCreateSerializer,
                         responses={201: s.ReviewAssignmentSerializer, **errors(400, 403, 409)}),
)
class ReviewAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                              viewsets.GenericViewSet):
    serializer_class = s.ReviewAssignmentSerializer
    filterset_fields = ["status", "application", "reviewer"]
    ordering_fields = ["due_at", "created_at", "submitted_at"]
    ordering = ["due_at", "id"]

    def get_queryset(self):
        return (
            ReviewAssignment.objects.restrict(self.request.user)
            .select_related("reviewer", "application__organization", "application__project")
            .prefetch_related("scores__criterion",
                              Prefetch("application__documents", queryset=Document.objects.order_by("pk")))
        )

    def _respond(self, assignment, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(s.ReviewAssignmentSerializer(fresh, context={"request": self.request}).data, status=code)

    def create(self, request, *args, **kwargs):
        body = s.ReviewAssignmentCreateSerializer(data=request.data)
        data = validate_all(body, dry_run=lambda d: services.assignment_create(actor=request.user, **d))
        assignment = services.assignment_create(actor=request.user, **data)
        return self._respond(assignment, status.HTTP_201_CREATED)

    @extend_schema(summary="Certify conflict of interest (the assigned reviewer)", request=s.CoiSerializer,
                   responses={200: s.ReviewAssignmentSerializer, **errors(400, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def coi(self, request, pk=None):
        assignment = self.get_object()  # 404 before anything about the body (never reveal existence)
        body = s.CoiSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = services.assignment_certify_coi(actor=request.user, assignment=assignment,
                                                     **body.validated_data)
        return self._respond(assignment)

    @extend_schema(summary="Save draft scores (the assigned reviewer, while active)", request=s.ScoresSerializer,
                   responses={200: s.ReviewAssignmentSerializer, **errors(400, 403, 404, 409)})
    @action(detail=True, methods=["put"])
    def scores(self, request, pk=None):
        assignment = self.get_object()  # 404 before anything about the body (never reveal existence)
        body = s.ScoresSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = services.assignment_save_scores(actor=request.user, assignment=assignment,
                                                     **body.validated_data)
        return self._respond(assignment)

    @extend_schema(summary="Submit the review; immutable afterwards", request=None,
                   responses={200: s.ReviewAssignmentSerializer, **errors(400, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assignment = services.assignment_submit(actor=request.user, assignment=self.get_object())
        return self._respond(assignment)

    @extend_schema(summary="Decline the assignment (its reviewer or an officer)", request=s.DeclineSerializer,
                   responses={200: s.ReviewAssignmentSerializer, **errors(400, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        assignment = self.get_object()  # 404 before anything about the body (never reveal existence)
        body = s.DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = services.assignment_decline(actor=request.user, assignment=assignment,
                                                 **body.validated_data)
        return self._respond(assignment)


class ApplicationReviewsView(APIView):
    """An application's reviews as the user may see them (never applicants, never recused)."""

    pagination_class = StandardPagination  # also tells the schema generator the list is paged

    @extend_schema(summary="An application's reviews (officers: named; reviewers: anonymized after submitting)",
                   responses={200: s.ApplicationReviewSerializer(many=True), **errors(404)})
    def get(self, request, pk: int):
        application = get_object_or_404(Application.objects.restrict(request.user), pk=pk)
        return _paginated(self, request, application_reviews_for(request.user, application),
                          s.ApplicationReviewSerializer)


def _opportunity(request, pk: int, action: str) -> FundingOpportunity:
    opportunity = get_object_or_404(FundingOpportunity.objects.restrict(request.user), pk=pk)
    policy.require(request.user, action, opportunity)
    return opportunity


class OpportunityRankingView(APIView):
    pagination_class = StandardPagination  # also tells the schema generator the list is paged

    @extend_schema(
        summary="Ranking of the opportunity's reviewed applications (program officers)",
        parameters=[OpenApiParameter("by", str, enum=list(RANK_BY), description="mean (default) or normalized")],
        responses={200: s.RankingRowSerializer(many=True), **errors(400, 403, 404)},
    )
    def get(self, request, pk: int):
        opportunity = _opportunity(request, pk, "ranking.view")
        by = request.query_params.get("by", "mean")
        if by not in RANK_BY:
            return Response({"detail": "by must be 'mean' or 'normalized'.", "code": "invalid"},
                            status=status.HTTP_400_BAD_REQUEST)
        return _paginated(self, request, opportunity_ranking(opportunity, by=by), s.RankingRowSerializer)


class OpportunityAutoAssignView(APIView):
    @extend_schema(
        summary="Balanced automatic assignment over the opportunity's applications in screening",
        request=s.AutoAssignSerializer,
        responses={200: s.AutoAssignResultSerializer, **errors(400, 403, 404)},
    )
    def post(self, request, pk: int):
        opportunity = _opportunity(request, pk, "review_assignment.create")
        body = s.AutoAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = services.assignments_auto_assign(actor=request.user, opportunity=opportunity, **body.validated_data)
        created = (ReviewAssignment.objects.filter(pk__in=[a.pk for a in result.created])
                   .select_related("reviewer", "application__organization", "application__project")
                   .prefetch_related("scores__criterion", "application__documents").order_by("application_id", "pk"))
        return Response(s.AutoAssignResultSerializer({
            "created": len(result.created),
            "assignments": created,
            "unfilled": [{"application": a, "missing": n} for a, n in sorted(result.unfilled.items())],
        }, context={"request": request}).data)
