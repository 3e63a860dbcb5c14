"""REST API v1 for awards: negotiated terms, awards, letters, schedules, acceptance, funds.

Visibility is ``Award.objects.restrict`` / ``Application.objects.restrict`` (404 for
others); what a visible user may do is decided by the services (403).
"""

import csv
import io

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.choices import ApplicationStatus, Instrument
from applications.models import Application, FundingOpportunity
from awards import selectors, services
from awards.choices import AwardStatus, LetterStatus
from awards.models import Award, AwardTerms
from awards.schedule import schedule_csv_rows
from dpa_funding import lifecycle, policy
from dpa_funding.api.files import FileDownloadNegotiation, binary_responses, file_response
from dpa_funding.api.filters import IdFilter
from dpa_funding.api.idempotency import IDEMPOTENCY_KEY, idempotent
from dpa_funding.api.permissions import allows
from dpa_funding.api.schema import errors
from dpa_funding.api.validation import validate_all
from dpa_funding.errors import NotFound, ValidationFailed

from .serializers import (
    AWARD_TRANSITION_NAMES,
    AwardSerializer,
    AwardTransitionRequestSerializer,
    AwardTransitionSerializer,
    DeclineAwardSerializer,
    FundsSerializer,
    InstallmentSerializer,
    RescindSerializer,
    TermsInputSerializer,
    TermsSerializer,
)


class LetterNotReady(NotFound):
    code = "letter_not_ready"
    default_detail = "The award letter has not been generated yet."


class CSVRenderer(BaseRenderer):
    """Selected by ``?format=csv`` on the schedule. Rows come from ``schedule_csv_rows``;
    an error body (a dict) is written as key,value lines."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if isinstance(data, dict):
            writer.writerows([key, value] for key, value in data.items())
        else:
            writer.writerows(data or [])
        return out.getvalue().encode(self.charset)


# ---------------------------------------------------------------- terms


def _terms_body(application: Application, terms: AwardTerms | None, *, preview: bool) -> dict:
    values = services.terms_values(terms) if terms else services.terms_proposal(application)
    opp = application.opportunity
    obligation = None
    if values.get("federal_amount") is not None and values.get("instrument"):
        obligation = services.obligation_amount(
            instrument=values["instrument"], federal_amount=values["federal_amount"],
            principal=values.get("principal"), opportunity=opp,
        )
    loan = None
    if values.get("instrument") in (Instrument.LOAN, Instrument.LOAN_GUARANTEE):
        loan = {f: values.get(f) for f in services.LOAN_FIELDS}
    body = {
        "application": application.pk,
        **{f: values.get(f) for f in services.TERMS_FIELDS},
        "loan": loan,
        "version": terms.version if terms else 0,
        "updated_at": terms.updated_at if terms else None,
        "obligation": obligation,
        "budget_available": opp.budget_ceiling - services.active_obligations_total(opp.pk),
    }
    if preview:
        rows, schedule_errors = selectors.terms_schedule_preview(terms)
        body["schedule_preview"] = [selectors.installment_dict(r) for r in rows] if rows is not None else None
        body["schedule_errors"] = schedule_errors
    return body


def _nest_loan_errors(errors: dict) -> dict:
    """Service errors are flat; the API body nests loan fields under ``loan``."""
    loan = {f: errors[f] for f in services.LOAN_FIELDS if f in errors}
    rest = {k: v for k, v in errors.items() if k not in services.LOAN_FIELDS}
    return {**rest, "loan": loan} if loan else rest


class TermsView(APIView):
    """The award terms an officer negotiates for an application in negotiation."""

    def _application(self, request, pk, action: str) -> Application:
        app = get_object_or_404(Application.objects.restrict(request.user).select_related("opportunity"), pk=pk)
        policy.require(request.user, action, app)
        return app

    @extend_schema(
        summary="Read the negotiated terms",
        description="While no terms are saved (version 0) the body proposes the applicant's request. "
                    "Adds `schedule_preview` for loans with complete terms.",
        responses={200: TermsSerializer, **errors(403, 404)}, tags=["awards"],
    )
    def get(self, request, pk):
        app = self._application(request, pk, "terms.view")
        terms = AwardTerms.objects.filter(application=app).first()
        if terms is None and app.status != ApplicationStatus.NEGOTIATION:
            raise NotFound("No award terms were negotiated for this application.")
        return Response(TermsSerializer(_terms_body(app, terms, preview=True)).data)

    @extend_schema(
        summary="Save the negotiated terms",
        description="Validated as the award transition will validate them (max award, cost share, "
                    "instrument, period, loan terms, remaining budget). Each save bumps `version`.",
        request=TermsInputSerializer, responses={200: TermsSerializer, **errors(400, 403, 404, 409)},
        tags=["awards"],
    )
    def put(self, request, pk):
        app = self._application(request, pk, "terms.change")
        serializer = TermsInputSerializer(data=request.data)
        data = validate_all(serializer, dry_run=lambda d: self._save(request, app, d))
        terms = self._save(request, app, data)
        return Response(TermsSerializer(_terms_body(app, terms, preview=True)).data)

    @staticmethod
    def _save(request, app: Application, data: dict) -> AwardTerms:
        data = dict(data)
        loan = data.pop("loan", None) or {}
        expected = data.pop("version", None)
        fields = {**data, **{f: loan.get(f) for f in services.LOAN_FIELDS}}
        try:
            return services.terms_save(actor=request.user, application=app, expected_version=expected, **fields)
        except ValidationFailed as exc:
            raise ValidationFailed(_nest_loan_errors(exc.errors)) from exc


# ---------------------------------------------------------------- awards


class AwardFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=AwardStatus.choices)
    instrument = filters.ChoiceFilter(choices=Instrument.choices)
    opportunity = IdFilter(field_name="application__opportunity_id")
    organization = IdFilter(field_name="application__organization_id")
    fiscal_year = IdFilter(help_text="Federal fiscal year, e.g. 2026.")

    class Meta:
        model = Award
        fields = ["status", "instrument", "opportunity", "organization", "fiscal_year"]


@extend_schema(tags=["awards"])
class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Awards the user may see: their organizations'; officers all."""

    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    ordering_fields = ["issued_at", "award_number", "federal_amount", "acceptance_due_at"]

    def get_queryset(self):
        return selectors.awards_visible_to(self.request.user)

    @extend_schema(summary="List awards", responses={200: AwardSerializer(many=True), **errors()})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read an award", responses={200: AwardSerializer, **errors(404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Download the award letter",
        responses={**binary_responses("application/pdf", description="The letter (PDF/UA), or the same "
                                      "bytes as application/octet-stream when Accept asks only for that."),
                   **errors(404)},
        description="404 with code `letter_not_ready` until the letter has been generated.",
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None,
            content_negotiation_class=FileDownloadNegotiation)
    def letter(self, request, pk=None):
        award = self.get_object()
        if award.letter_status != LetterStatus.READY or not award.letter_file:
            raise LetterNotReady()
        return file_response(request, award.letter_file.open("rb"), content_type="application/pdf",
                             filename=f"{award.award_number}.pdf")

    @extend_schema(
        summary="Loan repayment schedule",
        parameters=[OpenApiParameter("format", str, enum=["json", "csv"],
                                     description="`csv` returns text/csv with a header row.")],
        responses={200: InstallmentSerializer(many=True), (200, "text/csv"): OpenApiTypes.STR,
                   **errors(404)},
        description="Loans and loan guarantees only (404 for other instruments).",
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer],
            pagination_class=None, filter_backends=[])
    def schedule(self, request, pk=None):
        award = self.get_object()
        rows = selectors.award_schedule(award)
        if rows is None:
            raise NotFound("Only loan and loan guarantee awards have a repayment schedule.")
        if request.accepted_renderer.format == "csv":
            response = HttpResponse(CSVRenderer().render(list(schedule_csv_rows(rows))),
                                    content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{award.award_number}-schedule.csv"'
            return response
        return Response([selectors.installment_dict(r) for r in rows])

    @extend_schema(
        summary="Accept the award (the organization's authorized representative)",
        request=None, parameters=[IDEMPOTENCY_KEY],
        responses={200: AwardSerializer, **errors(400, 403, 404, 409, 422)},
        description="Before `acceptance_due_at`; after it, 400 `conditions_unmet`.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    @idempotent
    def accept(self, request, pk=None):
        return self._fire("accept", {})

    @extend_schema(
        summary="Decline the award (the organization's authorized representative)",
        request=DeclineAwardSerializer, responses={200: AwardSerializer, **errors(400, 403, 404, 409)},
        description="Before `acceptance_due_at`, with a comment (400 `conditions_unmet` without one). "
                    "Releases the obligation; the application becomes `award_declined`.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def decline(self, request, pk=None):
        return self._fire("decline_award", validate_all(DeclineAwardSerializer(data=request.data)))

    @extend_schema(
        summary="Rescind an unaccepted award after its deadline (program officer)",
        request=RescindSerializer, responses={200: AwardSerializer, **errors(400, 403, 404, 409)},
        description="Releases the award's obligation back to the opportunity's budget; the "
                    "application becomes `award_rescinded`.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def rescind(self, request, pk=None):
        return self._fire("rescind", validate_all(RescindSerializer(data=request.data)))

    @extend_schema(
        summary="Award transitions the requesting user may fire now",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={200: AwardTransitionSerializer(many=True), **errors(404)},
    )
    @action(detail=True, methods=["get"], url_path="transitions", filter_backends=[])
    def transitions(self, request, pk=None):
        award = self.get_object()
        items = [{"name": t.name, "label": t.label, "target": t.target, "comment_required": t.comment_required}
                 for t in lifecycle.available(award, request.user, "award")]
        page = self.paginate_queryset(items)
        return self.get_paginated_response(AwardTransitionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="awards_transition",
        summary="Fire an award transition (per the award workflow)",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH),
                    OpenApiParameter("name", str, OpenApiParameter.PATH,
                                     enum=[name for name, _ in AWARD_TRANSITION_NAMES])],
        request=AwardTransitionRequestSerializer,
        responses={200: AwardSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[^/.]+)", filter_backends=[])
    def fire_transition(self, request, pk=None, name=None):
        if not lifecycle.get("award").has(name):
            raise NotFound(f"There is no transition named '{name}'.")
        return self._fire(name, validate_all(AwardTransitionRequestSerializer(data=request.data)))

    def _fire(self, name: str, data: dict):
        award = services.award_transition(actor=self.request.user, award=self.get_object(), name=name,
                                          data=data)
        award = selectors.awards_visible_to(self.request.user).get(pk=award.pk)
        return Response(self.get_serializer(award).data)

    @extend_schema(
        summary="Regenerate the award letter (program officer)",
        request=None, responses={202: AwardSerializer, **errors(403, 404)},
        description="Queues the letter of the award's current terms version again, e.g. after it failed.",
    )
    @action(detail=True, methods=["post"], url_path="regenerate-letter", filter_backends=[])
    def regenerate_letter(self, request, pk=None):
        from awards.letters import award_letter_request

        award = award_letter_request(actor=request.user, award=self.get_object())
        return Response(self.get_serializer(award).data, status=202)


# ---------------------------------------------------------------- funds


class FundsView(APIView):
    """An opportunity's budget position: ceiling, obligated, available, and breakdowns."""

    permission_classes = [allows("funds.view")]

    @extend_schema(summary="Budget position of an opportunity", responses={200: FundsSerializer, **errors(403, 404)},
                   tags=["awards"])
    def get(self, request, pk):
        opp = get_object_or_404(FundingOpportunity, pk=pk)
        return Response(FundsSerializer(selectors.opportunity_funds(opp)).data)
