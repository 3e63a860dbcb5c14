"""REST API v1: white papers, their workflow, history and document. Views translate HTTP to
service calls; visibility is ``restrict`` (404), permission the services' policy (403)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.documents import (
    PDF,
    request_body_too_large,
    safe_download_name,
    too_large_error,
    upload_was_too_large,
)
from dpa_funding.api.files import FileDownloadNegotiation, binary_responses, file_response
from dpa_funding.api.idempotency import IDEMPOTENCY_KEY, idempotent
from dpa_funding.api.permissions import allows
from dpa_funding.api.schema import errors
from dpa_funding.api.validation import AllErrorsMixin
from dpa_funding.errors import NotFound
from whitepapers import services, workflow
from whitepapers.models import WhitePaper, WhitePaperDocument
from whitepapers.selectors import white_paper_history, white_papers_visible_to

from .filters import WhitePaperFilter
from .serializers import (
    WhitePaperDetailSerializer,
    WhitePaperDocumentSerializer,
    WhitePaperDocumentUploadSerializer,
    WhitePaperHistoryEntrySerializer,
    WhitePaperSerializer,
    WhitePaperTransitionRequestSerializer,
    WhitePaperTransitionSerializer,
)

_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
_NAME = OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(workflow.TRANSITIONS))


@extend_schema_view(
    list=extend_schema(responses={200: WhitePaperSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(responses={200: WhitePaperDetailSerializer, **errors(404)}),
    create=extend_schema(request=WhitePaperSerializer,
                         responses={201: WhitePaperDetailSerializer, **errors(400, 403)}),
    partial_update=extend_schema(request=WhitePaperSerializer,
                                 responses={200: WhitePaperDetailSerializer, **errors(400, 403, 404, 409)}),
)
class WhitePaperViewSet(AllErrorsMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """White papers of two-step opportunities: members of the organization draft and submit
    them; program officers read all and encourage or discourage them."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = WhitePaperFilter
    ordering_fields = ["created_at", "submitted_at", "proposal_due_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WhitePaper.objects.none()
        return white_papers_visible_to(self.request.user)

    def get_serializer_class(self):
        return WhitePaperSerializer if self.action == "list" else WhitePaperDetailSerializer

    def get_permissions(self):
        # Only applicants send white papers: refuse staff with 403 before validating the body.
        if self.action == "create":
            return [*super().get_permissions(), allows("white_paper.create")()]
        return super().get_permissions()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.white_paper_create(
            actor=self.request.user, opportunity=data.pop("opportunity", None),
            organization=data.pop("organization", None), **data)

    def perform_update(self, serializer):
        serializer.instance = services.white_paper_update(
            actor=self.request.user, white_paper=serializer.instance, **dict(serializer.validated_data))

    def _page(self, items, serializer_class):
        """Every list is paginated (api.md), however short."""
        page = self.paginate_queryset(items)
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(operation_id="white_papers_transitions_list", parameters=[_ID],
                   responses={200: WhitePaperTransitionSerializer(many=True), **errors(404)})
    @action(detail=True, methods=["get"], url_path="transitions", filter_backends=[])
    def transitions(self, request, pk=None):
        """Transitions the requesting user may fire now (guards are checked when fired)."""
        wp = self.get_object()
        return self._page([{"name": t.name, "label": t.label, "target": t.target}
                           for t in services.available_transitions(wp, request.user)],
                          WhitePaperTransitionSerializer)

    @extend_schema(operation_id="white_papers_transition", parameters=[_ID, _NAME, IDEMPOTENCY_KEY],
                   request=WhitePaperTransitionRequestSerializer,
                   responses={200: WhitePaperDetailSerializer, **errors(400, 403, 404, 409, 422)})
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[^/.]+)", filter_backends=[])
    @idempotent
    def fire_transition(self, request, pk=None, name=None):
        """Fire a white-paper transition: submit and withdraw (the AOR), encourage with
        proposal_due_at and discourage with a comment (program officers). 400 lists every
        unmet condition."""
        wp = self.get_object()
        if workflow.get(name) is None:
            raise NotFound(f"There is no transition named '{name}'.")
        body = WhitePaperTransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        expected = data.pop("expected_status", None)
        if data.get("proposal_due_at") is None:
            data.pop("proposal_due_at", None)
        wp = services.white_paper_transition(white_paper_id=wp.pk, name=name, actor=request.user, data=data,
                                             expected_status=expected)
        return Response(WhitePaperDetailSerializer(wp, context=self.get_serializer_context()).data)

    @extend_schema(parameters=[_ID], responses={200: WhitePaperHistoryEntrySerializer(many=True), **errors(404)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """The white paper's state changes, oldest first (internal comments only for staff)."""
        return self._page(white_paper_history(self.get_object(), request.user), WhitePaperHistoryEntrySerializer)

    @extend_schema(methods=["GET"], parameters=[_ID],
                   responses={200: WhitePaperDocumentSerializer(many=True), **errors(404)})
    @extend_schema(methods=["POST"], parameters=[_ID],
                   request={"multipart/form-data": WhitePaperDocumentUploadSerializer},
                   responses={201: WhitePaperDocumentSerializer, **errors(400, 403, 404, 409, 413, 415)})
    @action(detail=True, methods=["get", "post"], filter_backends=[], parser_classes=[MultiPartParser])
    def documents(self, request, pk=None):
        """The white paper's document (kind white_paper), or upload it: members, while a
        draft; one PDF of at most 10 pages, replacing any earlier upload."""
        wp = self.get_object()
        if request.method == "GET":
            return self._page(WhitePaperDocument.objects.filter(white_paper=wp).select_related("uploaded_by"),
                              WhitePaperDocumentSerializer)
        if request_body_too_large(request):
            raise too_large_error()  # before the body is read
        data = request.data
        if upload_was_too_large(request):
            raise too_large_error()
        body = WhitePaperDocumentUploadSerializer(data=data)
        body.is_valid(raise_exception=True)
        doc = services.white_paper_document_upload(actor=request.user, white_paper=wp,
                                                   kind=body.validated_data["kind"],
                                                   uploaded=body.validated_data["file"])
        return Response(WhitePaperDocumentSerializer(doc).data, status=status.HTTP_201_CREATED)


class WhitePaperDocumentDownloadView(APIView):
    """Stream a white paper PDF to anyone who may see the white paper, as an attachment."""

    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(operation_id="white_paper_documents_download", tags=["white-papers"],
                   responses={**binary_responses(PDF.content_type, description="The white paper PDF."),
                              **errors(404)})
    def get(self, request, pk: int):
        doc = get_object_or_404(WhitePaperDocument.objects.restrict(request.user), pk=pk)
        return file_response(request, doc.file.open("rb"), content_type=doc.content_type,
                             filename=safe_download_name(doc.original_name))
