"""REST API v1 for payments: SF-270 payment requests and their transitions, loan
disbursements, repayments and loan status (api.md).

Visibility is ``restrict()`` on the award or the request (404 for others); what a visible
user may do is decided by the services and the lifecycle door (403).
"""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from awards.models import Award
from dpa_funding import lifecycle
from dpa_funding.api.filters import IdFilter
from dpa_funding.api.schema import errors
from dpa_funding.api.validation import validate_all
from dpa_funding.errors import NotFound
from payments import selectors, services
from payments.choices import PaymentRequestStatus, RequestType
from payments.workflow import PAYMENT_REQUEST

from .serializers import (
    DisbursementCreateSerializer,
    DisbursementSerializer,
    LoanStatusSerializer,
    PaymentRequestCreateSerializer,
    PaymentRequestSerializer,
    PaymentRequestTransitionOptionSerializer,
    PaymentRequestTransitionSerializer,
    RepaymentCreateSerializer,
    RepaymentSerializer,
)

_AWARD_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The award's id.")
_TRANSITION_NAME = OpenApiParameter("name", str, OpenApiParameter.PATH, enum=PAYMENT_REQUEST.names())


def _award(request, pk: int, *, loan: bool | None = None) -> Award:
    award = get_object_or_404(Award.objects.restrict(request.user).select_related("application"), pk=pk)
    if loan:
        services.require_loan(award)
    return award


class _AwardScoped(generics.GenericAPIView):
    """A list under /awards/{id}/..., paginated like every list."""

    filter_backends: list = []
    loan: bool | None = None

    def award(self) -> Award:
        if not hasattr(self, "_award_obj"):
            self._award_obj = _award(self.request, self.kwargs["pk"], loan=self.loan)
        return self._award_obj

    def _page(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data)


@extend_schema(tags=["payments"], parameters=[_AWARD_ID])
class AwardPaymentRequestsView(_AwardScoped):
    """Payment requests (SF-270) on a grant or agreement."""

    serializer_class = PaymentRequestSerializer

    def get_queryset(self):
        return selectors.award_payment_requests(self.award(), self.request.user)

    @extend_schema(summary="List the award's payment requests", operation_id="awards_payment_requests_list",
                   responses={200: PaymentRequestSerializer(many=True), **errors(404)})
    def get(self, request, pk):
        return self._page(self.get_queryset(), PaymentRequestSerializer)

    @extend_schema(
        summary="Request a payment (the organization's authorized representative)",
        operation_id="awards_payment_requests_create",
        description="On an accepted grant or agreement; the period within the period of performance; the "
                    "amount within what is not yet approved. 409 `invalid_transition` for loans or an award "
                    "that is not accepted.",
        request=PaymentRequestCreateSerializer, responses={201: PaymentRequestSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, pk):
        award = self.award()
        data = validate_all(PaymentRequestCreateSerializer(data=request.data),
                            dry_run=lambda d: self._create(award, d))
        created = self._create(award, data)
        return Response(PaymentRequestSerializer(created, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def _create(self, award, data):
        return services.payment_request_create(
            actor=self.request.user, award=award, request_type=data.get("request_type"), amount=data.get("amount"),
            period_start=data.get("period_start"), period_end=data.get("period_end"))


class PaymentRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PaymentRequestStatus.choices)
    request_type = django_filters.ChoiceFilter(choices=RequestType.choices)
    award = IdFilter(field_name="award_id")
    organization = IdFilter(field_name="award__application__organization_id")


@extend_schema_view(
    list=extend_schema(summary="List payment requests you may see (officers: all)",
                       responses={200: PaymentRequestSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(summary="Read a payment request", responses={200: PaymentRequestSerializer, **errors(404)}),
)
@extend_schema(tags=["payments"])
class PaymentRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Payment requests across awards (the officer's queue: ``?status=requested``)."""

    serializer_class = PaymentRequestSerializer
    filterset_class = PaymentRequestFilter
    ordering_fields = ["requested_at", "amount"]
    ordering = ["-requested_at", "-id"]

    def get_queryset(self):
        return selectors.payment_requests_visible_to(self.request.user)

    @extend_schema(responses={200: PaymentRequestTransitionOptionSerializer(many=True), **errors(404)})
    @action(detail=True, methods=["get"], url_path="transitions", filter_backends=[])
    def transitions(self, request, pk=None):
        """Transitions the requesting user may fire now (guards are checked when fired)."""
        obj = self.get_object()
        rows = [{"name": t.name, "label": t.label, "target": t.target}
                for t in lifecycle.available(obj, request.user, "payment_request")]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PaymentRequestTransitionOptionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="payment_requests_transition", parameters=[_TRANSITION_NAME],
        request=PaymentRequestTransitionSerializer,
        responses={200: PaymentRequestSerializer, **errors(400, 403, 404, 409)},
        description="`approve`, `reject` (comment required) or `mark_paid` (program officers). 400 "
                    "`conditions_unmet` when approval would bring approved payments above the award's "
                    "federal amount.",
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[^/.]+)", filter_backends=[])
    def fire_transition(self, request, pk=None, name=None):
        obj = self.get_object()
        if not PAYMENT_REQUEST.has(name):
            raise NotFound(f"There is no transition named '{name}'.")
        body = PaymentRequestTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        expected = data.pop("expected_status", None)
        obj = services.payment_request_transition(actor=request.user, request_id=obj.pk, name=name, data=data,
                                                  expected_status=expected)
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data)


@extend_schema(tags=["loans"], parameters=[_AWARD_ID])
class AwardDisbursementsView(_AwardScoped):
    """Principal disbursed on a loan, oldest first."""

    serializer_class = DisbursementSerializer
    loan = True

    def get_queryset(self):
        return selectors.award_disbursements(self.award(), self.request.user)

    @extend_schema(summary="List the loan's disbursements", operation_id="awards_disbursements_list",
                   responses={200: DisbursementSerializer(many=True), **errors(404)})
    def get(self, request, pk):
        return self._page(self.get_queryset(), DisbursementSerializer)

    @extend_schema(summary="Record a disbursement (program officer)", operation_id="awards_disbursements_create",
                   description="Disbursements never add up to more than the principal (400 on `amount`).",
                   request=DisbursementCreateSerializer,
                   responses={201: DisbursementSerializer, **errors(400, 403, 404, 409)})
    def post(self, request, pk):
        award = self.award()
        data = validate_all(DisbursementCreateSerializer(data=request.data), dry_run=lambda d: self._record(award, d))
        return Response(DisbursementSerializer(self._record(award, data)).data, status=status.HTTP_201_CREATED)

    def _record(self, award, data):
        return services.disbursement_record(actor=self.request.user, award=award, amount=data.get("amount"),
                                            disbursed_on=data.get("disbursed_on"), note=data.get("note", ""))


@extend_schema(tags=["loans"], parameters=[_AWARD_ID])
class AwardRepaymentsView(_AwardScoped):
    """Repayments received on a loan, each with how it was applied to the schedule."""

    serializer_class = RepaymentSerializer
    loan = True

    def get_queryset(self):
        return selectors.award_repayments(self.award(), self.request.user)

    @extend_schema(summary="List the loan's repayments", operation_id="awards_repayments_list",
                   responses={200: RepaymentSerializer(many=True), **errors(404)})
    def get(self, request, pk):
        return self._page(self.get_queryset(), RepaymentSerializer)

    @extend_schema(summary="Record a repayment (program officer)", operation_id="awards_repayments_create",
                   description="Applied to the derived schedule: oldest unpaid installment first, interest "
                               "before principal. 400 on `amount` beyond the remaining balance or principal "
                               "not yet disbursed.",
                   request=RepaymentCreateSerializer, responses={201: RepaymentSerializer, **errors(400, 403, 404, 409)})
    def post(self, request, pk):
        award = self.award()
        data = validate_all(RepaymentCreateSerializer(data=request.data), dry_run=lambda d: self._record(award, d))
        return Response(RepaymentSerializer(self._record(award, data)).data, status=status.HTTP_201_CREATED)

    def _record(self, award, data):
        return services.repayment_record(actor=self.request.user, award=award, amount=data.get("amount"),
                                         received_on=data.get("received_on"), reference=data.get("reference", ""))


@extend_schema(tags=["loans"], parameters=[_AWARD_ID])
class LoanStatusView(APIView):
    """Where a loan stands today (US Eastern)."""

    @extend_schema(summary="Loan status", operation_id="awards_loan_status",
                   responses={200: LoanStatusSerializer, **errors(404)})
    def get(self, request, pk):
        award = _award(request, pk, loan=True)
        return Response(LoanStatusSerializer(selectors.loan_status(award)).data)
