"""REST API v1 for post-award management (api.md: milestones, reports, modifications,
award transitions), plus award evidence documents, the due list and the portfolio.

Visibility is ``Model.objects.restrict`` (404 for others); what a visible user may do is
decided by the policy in the services and the lifecycle door (403).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from applications.documents import request_body_too_large, too_large_error, upload_was_too_large
from awards.models import Award
from dpa_funding import lifecycle
from dpa_funding.api.files import FileDownloadNegotiation, binary_responses, file_response
from dpa_funding.api.permissions import allows
from dpa_funding.api.schema import errors
from dpa_funding.api.validation import validate_all
from dpa_funding.errors import NotFound

from .. import selectors, services
from ..models import AwardDocument, Milestone, Modification, Report
from .serializers import (
    TRANSITION_NAMES,
    AwardDocumentSerializer,
    AwardDocumentUploadSerializer,
    DueItemSerializer,
    MilestoneCreateSerializer,
    MilestoneSerializer,
    MilestoneTransitionSerializer,
    ModificationInputSerializer,
    ModificationSerializer,
    ModificationTransitionSerializer,
    PortfolioRowSerializer,
    ReportInputSerializer,
    ReportSerializer,
    ReportTransitionSerializer,
)

TAGS = ["post-award"]


def _name_param(key: str) -> OpenApiParameter:
    return OpenApiParameter("name", str, OpenApiParameter.PATH, enum=TRANSITION_NAMES[key])


class _Base(GenericAPIView):
    filter_backends = []
    model = Award  # what the path's pk names (OPTIONS and the schema read it)

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user)

    def page(self, items, serializer_class):
        page = self.paginate_queryset(items)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    def award(self, pk) -> Award:
        return get_object_or_404(Award.objects.restrict(self.request.user).select_related("application"), pk=pk)


# ---------------------------------------------------------------- documents


class AwardDocumentsView(_Base):
    parser_classes = [MultiPartParser]
    serializer_class = AwardDocumentSerializer

    @extend_schema(summary="List an award's documents", responses={200: AwardDocumentSerializer(many=True),
                                                                    **errors(404)}, tags=TAGS)
    def get(self, request, pk):
        award = self.award(pk)
        return self.page(AwardDocument.objects.filter(award=award).select_related("uploaded_by"),
                         AwardDocumentSerializer)

    @extend_schema(summary="Upload a document to an award (members; milestone evidence)",
                   request={"multipart/form-data": AwardDocumentUploadSerializer},
                   responses={201: AwardDocumentSerializer, **errors(400, 403, 404, 409, 413, 415)}, tags=TAGS)
    def post(self, request, pk):
        award = self.award(pk)
        if request_body_too_large(request):
            raise too_large_error()
        data = request.data
        if upload_was_too_large(request):
            raise too_large_error()
        body = AwardDocumentUploadSerializer(data=data)
        body.is_valid(raise_exception=True)
        doc = services.award_document_upload(actor=request.user, award=award, uploaded=body.validated_data["file"])
        return Response(AwardDocumentSerializer(doc).data, status=status.HTTP_201_CREATED)


class AwardDocumentDownloadView(_Base):
    model = AwardDocument
    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(operation_id="award_documents_download", tags=TAGS,
                   responses={**binary_responses("application/pdf", description="The file as uploaded."),
                              **errors(404)})
    def get(self, request, pk):
        doc = get_object_or_404(AwardDocument.objects.restrict(request.user), pk=pk)
        return file_response(request, doc.file.open("rb"), content_type=doc.content_type,
                             filename=doc.original_name)


# ---------------------------------------------------------------- milestones


class AwardMilestonesView(_Base):
    serializer_class = MilestoneSerializer

    @extend_schema(summary="List an award's milestones", responses={200: MilestoneSerializer(many=True),
                                                                     **errors(404)}, tags=TAGS)
    def get(self, request, pk):
        award = self.award(pk)
        return self.page(Milestone.objects.filter(award=award).prefetch_related("evidence_documents"),
                         MilestoneSerializer)

    @extend_schema(summary="Set a milestone (program officer)", request=MilestoneCreateSerializer,
                   responses={201: MilestoneSerializer, **errors(400, 403, 404, 409)}, tags=TAGS)
    def post(self, request, pk):
        award = self.award(pk)

        def create(data):
            return services.milestone_create(actor=request.user, award=award, title=data.get("title", ""),
                                             due_date=data.get("due_date"),
                                             description=data.get("description", ""))

        data = validate_all(MilestoneCreateSerializer(data=request.data), dry_run=create)
        return Response(MilestoneSerializer(create(data)).data, status=status.HTTP_201_CREATED)


class MilestoneDetailView(_Base):
    model = Milestone
    serializer_class = MilestoneSerializer

    @extend_schema(summary="Read a milestone", responses={200: MilestoneSerializer, **errors(404)}, tags=TAGS)
    def get(self, request, pk):
        return Response(MilestoneSerializer(get_object_or_404(Milestone.objects.restrict(request.user), pk=pk)).data)


def _fire(request, queryset, pk, name, key, body_class):
    obj = get_object_or_404(queryset.restrict(request.user), pk=pk)
    if not lifecycle.get(key).has(name):
        raise NotFound(f"There is no transition named '{name}'.")
    body = body_class(data=request.data)
    body.is_valid(raise_exception=True)
    data = dict(body.validated_data)
    expected = data.pop("expected_status", None)
    return services.transition(obj, name, actor=request.user, data=data, expected_status=expected)


class MilestoneTransitionView(_Base):
    model = Milestone
    serializer_class = MilestoneSerializer

    @extend_schema(summary="Fire a milestone transition", operation_id="milestones_transition",
                   description="`submit` (members) with `comment` and/or `documents`; `accept` and `return` "
                               "(officers; `return` needs a comment). 400 `conditions_unmet` lists every "
                               "unmet condition.",
                   parameters=[_name_param("milestone")], request=MilestoneTransitionSerializer,
                   responses={200: MilestoneSerializer, **errors(400, 403, 404, 409)}, tags=TAGS)
    def post(self, request, pk, name):
        obj = _fire(request, Milestone.objects, pk, name, "milestone", MilestoneTransitionSerializer)
        return Response(MilestoneSerializer(obj).data)


# ---------------------------------------------------------------- reports


class AwardReportsView(_Base):
    serializer_class = ReportSerializer

    @extend_schema(summary="List an award's reports (its reporting schedule)",
                   responses={200: ReportSerializer(many=True), **errors(404)}, tags=TAGS)
    def get(self, request, pk):
        award = self.award(pk)
        return self.page(Report.objects.filter(award=award), ReportSerializer)


class ReportDetailView(_Base):
    model = Report
    serializer_class = ReportSerializer

    def _report(self, request, pk) -> Report:
        return get_object_or_404(Report.objects.restrict(request.user).select_related("award"), pk=pk)

    @extend_schema(summary="Read a report", responses={200: ReportSerializer, **errors(404)}, tags=TAGS)
    def get(self, request, pk):
        return Response(ReportSerializer(self._report(request, pk)).data)

    @extend_schema(summary="Save a report's form (members, while due)",
                   description="Financial reports: every SF-425 line, with the arithmetic checked (e.g. the "
                               "federal share of expenditures may not exceed federal cash receipts plus "
                               "unliquidated obligations). Every problem is reported at once, under "
                               "`data.<line>`.",
                   request=ReportInputSerializer, responses={200: ReportSerializer, **errors(400, 403, 404, 409)},
                   tags=TAGS)
    def put(self, request, pk):
        report = self._report(request, pk)
        body = ReportInputSerializer(data=request.data)
        data = validate_all(body)
        report = services.report_save(actor=request.user, report=report, data=data["data"])
        return Response(ReportSerializer(report).data)


class ReportTransitionView(_Base):
    model = Report
    serializer_class = ReportSerializer

    @extend_schema(summary="Fire a report transition", operation_id="reports_transition",
                   description="`submit` (members; the saved form must pass every rule); `accept` and "
                               "`return` (officers; `return` needs a comment and puts the report back to due).",
                   parameters=[_name_param("report")], request=ReportTransitionSerializer,
                   responses={200: ReportSerializer, **errors(400, 403, 404, 409)}, tags=TAGS)
    def post(self, request, pk, name):
        obj = _fire(request, Report.objects, pk, name, "report", ReportTransitionSerializer)
        return Response(ReportSerializer(obj).data)


# ---------------------------------------------------------------- modifications


class AwardModificationsView(_Base):
    serializer_class = ModificationSerializer

    @extend_schema(summary="List an award's modifications", responses={200: ModificationSerializer(many=True),
                                                                        **errors(404)}, tags=TAGS)
    def get(self, request, pk):
        award = self.award(pk)
        return self.page(Modification.objects.filter(award=award).select_related("proposed_by"),
                         ModificationSerializer)

    @extend_schema(summary="Propose a modification (the recipient's AOR or an officer)",
                   request=ModificationInputSerializer,
                   responses={201: ModificationSerializer, **errors(400, 403, 404, 409)}, tags=TAGS)
    def post(self, request, pk):
        award = self.award(pk)

        def propose(data):
            budget = data.get("budget")
            return services.modification_propose(
                actor=request.user, award=award, kind=data.get("kind"), justification=data.get("justification", ""),
                new_period_end=data.get("new_period_end"), federal_amount_delta=data.get("federal_amount_delta"),
                budget=dict(budget) if budget else None)

        data = validate_all(ModificationInputSerializer(data=request.data), dry_run=propose)
        return Response(ModificationSerializer(propose(data)).data, status=status.HTTP_201_CREATED)


class ModificationDetailView(_Base):
    model = Modification
    serializer_class = ModificationSerializer

    @extend_schema(summary="Read a modification", responses={200: ModificationSerializer, **errors(404)}, tags=TAGS)
    def get(self, request, pk):
        mod = get_object_or_404(Modification.objects.restrict(request.user), pk=pk)
        return Response(ModificationSerializer(mod).data)


class ModificationLetterView(_Base):
    model = Modification
    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(operation_id="modifications_letter", tags=TAGS,
                   description="404 with code `letter_not_ready` until the letter has been generated.",
                   responses={**binary_responses("application/pdf", description="The modification letter."),
                              **errors(404)})
    def get(self, request, pk):
        from awards.api.views import LetterNotReady

        mod = get_object_or_404(Modification.objects.restrict(request.user), pk=pk)
        if not mod.letter_sha256 or not mod.letter_file:
            raise LetterNotReady("The modification letter has not been generated yet.")
        return file_response(request, mod.letter_file.open("rb"), content_type="application/pdf",
                             filename=f"{mod.number}.pdf")


class ModificationTransitionView(_Base):
    model = Modification
    serializer_class = ModificationSerializer

    @extend_schema(summary="Fire a modification transition", operation_id="modifications_transition",
                   description="`approve` and `reject` (a program officer with award authority; `reject` needs "
                               "a comment). Approval numbers the modification `<award number>-M<nn>`, applies "
                               "it (an increase obligates under the opportunity's budget lock, a decrease "
                               "releases) and queues its letter.",
                   parameters=[_name_param("modification")], request=ModificationTransitionSerializer,
                   responses={200: ModificationSerializer, **errors(400, 403, 404, 409)}, tags=TAGS)
    def post(self, request, pk, name):
        obj = _fire(request, Modification.objects, pk, name, "modification", ModificationTransitionSerializer)
        return Response(ModificationSerializer(obj).data)


# ---------------------------------------------------------------- lists across awards


class DueItemsView(_Base):
    serializer_class = DueItemSerializer
    permission_classes = [allows("due_list.view")]

    @extend_schema(summary="What my organizations owe: milestones and reports, soonest first",
                   responses={200: DueItemSerializer(many=True), **errors(403)}, tags=TAGS)
    def get(self, request):
        return self.page(selectors.due_items_for(request.user), DueItemSerializer)


class PortfolioView(_Base):
    serializer_class = PortfolioRowSerializer
    permission_classes = [allows("portfolio.view")]

    @extend_schema(summary="Portfolio of active awards (federal staff)",
                   responses={200: PortfolioRowSerializer(many=True), **errors(403)}, tags=TAGS)
    def get(self, request):
        return self.page(selectors.portfolio(request.user), PortfolioRowSerializer)
