"""REST API v1: minerals, projects, opportunities, applications, their workflow, history and
documents. Views only translate HTTP to service calls; visibility comes from ``restrict``
(404 for what a user may not see) and permissions from the services (403)."""

from functools import partial

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from applications import services, workflow
from applications.documents import (
    CSV,
    DOCX,
    JPEG,
    PDF,
    PNG,
    XLSX,
    request_body_too_large,
    safe_download_name,
    too_large_error,
    upload_was_too_large,
)
from applications.models import Application, Document, FundingOpportunity, Mineral, Project
from applications.selectors import transition_history
from dpa_funding.api.files import FileDownloadNegotiation, binary_responses, file_response
from dpa_funding.api.idempotency import IDEMPOTENCY_KEY, idempotent
from dpa_funding.api.permissions import allows
from dpa_funding.api.renderers import PreEncodedJSONRenderer
from dpa_funding.api.schema import errors
from dpa_funding.api.validation import AllErrorsMixin
from dpa_funding.errors import NotFound, ValidationFailed

from .filters import ApplicationFilter
from .list_rows import application_list_page
from .serializers import (
    ApplicationListSerializer,
    ApplicationSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    HistoryEntrySerializer,
    MineralSerializer,
    OpportunitySerializer,
    ProjectSerializer,
    TransitionRequestSerializer,
    TransitionSerializer,
)

DOCUMENT_MEDIA_TYPES = [t.content_type for t in (PDF, DOCX, XLSX, CSV, PNG, JPEG)]

_CRUD_METHODS = ["get", "post", "patch", "head", "options"]


def _fake(view) -> bool:
    return getattr(view, "swagger_fake_view", False)


@extend_schema_view(
    list=extend_schema(responses={200: MineralSerializer(many=True), **errors()}),
    retrieve=extend_schema(responses={200: MineralSerializer, **errors(404)}),
)
class MineralViewSet(viewsets.ReadOnlyModelViewSet):
    """The critical-minerals reference list."""

    queryset = Mineral.objects.order_by("name", "id")
    serializer_class = MineralSerializer


@extend_schema_view(
    list=extend_schema(responses={200: ProjectSerializer(many=True), **errors()}),
    retrieve=extend_schema(responses={200: ProjectSerializer, **errors(404)}),
    create=extend_schema(responses={201: ProjectSerializer, **errors(400, 403)}),
    partial_update=extend_schema(responses={200: ProjectSerializer, **errors(400, 403, 404)}),
)
class ProjectViewSet(AllErrorsMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Projects (facilities) of the user's organizations; officers read all."""

    serializer_class = ProjectSerializer
    http_method_names = _CRUD_METHODS

    def get_queryset(self):
        if _fake(self):
            return Project.objects.none()
        return (Project.objects.restrict(self.request.user).select_related("organization")
                .prefetch_related("minerals").order_by("name", "id"))

    def get_permissions(self):
        # Only applicants create these: refuse staff with 403 before validating the body.
        if self.action == "create":
            return [*super().get_permissions(), allows("project.create")()]
        return super().get_permissions()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.project_create(
            actor=self.request.user, organization=data.pop("organization", None),
            minerals=data.pop("minerals", []), **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization", None)
        if organization is not None and organization.pk != serializer.instance.organization_id:
            raise ValidationFailed({"organization": ["A project cannot move to another organization."]})
        serializer.instance = services.project_update(
            actor=self.request.user, project=serializer.instance, minerals=data.pop("minerals", None), **data,
        )


@extend_schema_view(
    list=extend_schema(responses={200: OpportunitySerializer(many=True), **errors()}),
    retrieve=extend_schema(responses={200: OpportunitySerializer, **errors(404)}),
    create=extend_schema(responses={201: OpportunitySerializer, **errors(400, 403)}),
    partial_update=extend_schema(responses={200: OpportunitySerializer, **errors(400, 403, 404)}),
)
class OpportunityViewSet(AllErrorsMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Funding opportunities: anyone signed in reads them; program officers write them."""

    serializer_class = OpportunitySerializer
    http_method_names = _CRUD_METHODS
    queryset = FundingOpportunity.objects.prefetch_related("rubric", "eligible_minerals").order_by("-opens_at", "id")

    def get_permissions(self):
        # Writes are for program officers: refuse others with 403 before validating the body.
        if self.action == "create":
            return [*super().get_permissions(), allows("opportunity.create")()]
        if self.action in ("partial_update", "update"):
            return [*super().get_permissions(), allows("opportunity.change")()]
        return super().get_permissions()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.opportunity_create(
            actor=self.request.user, rubric=data.pop("rubric", []),
            eligible_minerals=data.pop("eligible_minerals", []), **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.opportunity_update(
            actor=self.request.user, opportunity=serializer.instance, rubric=data.pop("rubric", None),
            eligible_minerals=data.pop("eligible_minerals", None), **data,
        )

    def get_serializer(self, *args, **kwargs):
        # Re-read after writes so prefetched rubric and minerals are current.
        instance = args[0] if args else None
        if isinstance(instance, FundingOpportunity) and kwargs.get("data") is None:
            instance = self.queryset.get(pk=instance.pk)
            args = (instance, *args[1:])
        return super().get_serializer(*args, **kwargs)


_APPLICATION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
_TRANSITION_NAME = OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(workflow.TRANSITIONS))


@extend_schema_view(
    list=extend_schema(responses={200: ApplicationListSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(responses={200: ApplicationSerializer, **errors(404)}),
    create=extend_schema(parameters=[IDEMPOTENCY_KEY],
                         responses={201: ApplicationSerializer, **errors(400, 403, 422)}),
    partial_update=extend_schema(responses={200: ApplicationSerializer, **errors(400, 403, 404, 409)}),
)
class ApplicationViewSet(AllErrorsMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Funding applications, their workflow transitions, history and documents."""

    http_method_names = _CRUD_METHODS
    filterset_class = ApplicationFilter
    ordering_fields = ["created_at", "submitted_at", "federal_amount_requested"]
    ordering = ["-created_at", "-id"]
    # The list's rows write themselves as JSON (list_rows.py); same bytes as JSONRenderer.
    renderer_classes = [PreEncodedJSONRenderer if r is JSONRenderer else r
                        for r in api_settings.DEFAULT_RENDERER_CLASSES]

    def get_queryset(self):
        if _fake(self):
            return Application.objects.none()
        return Application.objects.restrict(self.request.user).with_list_related()

    def get_serializer_class(self):
        return ApplicationListSerializer if self.action == "list" else ApplicationSerializer

    def list(self, request, *args, **kwargs):
        """Applications the user may see, filtered and ordered, one page at a time."""
        # One statement whatever the page size or depth (list_rows.py): the ORM builds the
        # restricted, filtered and ordered queryset; the page and the total come back together.
        queryset = self.filter_queryset(self.get_queryset())
        rows = self.paginator.paginate_rows(request, partial(application_list_page, queryset))
        return self.get_paginated_response(rows)

    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.application_create(
            actor=self.request.user, opportunity=data.pop("opportunity", None),
            organization=data.pop("organization", None), budget=_budget(data), **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.application_update(
            actor=self.request.user, application=serializer.instance, budget=_budget(data), **data,
        )

    @extend_schema(parameters=[_APPLICATION_ID], responses={200: TransitionSerializer(many=True), **errors(404)})
    @action(detail=True, methods=["get"], url_path="transitions", filter_backends=[])
    def transitions(self, request, pk=None):
        """Transitions the requesting user may fire now (guards are checked when fired)."""
        app = self.get_object()
        specs = services.available_transitions(app, request.user)
        return self._page([{"name": s.name, "label": s.label, "target": s.target} for s in specs],
                          TransitionSerializer)

    def _page(self, items, serializer_class):
        """Every list is paginated (api.md), however short."""
        page = self.paginate_queryset(items)
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        operation_id="applications_transition",
        parameters=[_APPLICATION_ID, _TRANSITION_NAME, IDEMPOTENCY_KEY],
        request=TransitionRequestSerializer,
        responses={200: ApplicationSerializer, **errors(400, 403, 404, 409, 422)},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[^/.]+)", filter_backends=[])
    @idempotent
    def fire_transition(self, request, pk=None, name=None):
        """Fire a workflow transition; 400 lists every unmet condition."""
        if workflow.get(name) is None:
            raise NotFound(f"There is no transition named '{name}'.")
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        expected = data.pop("expected_status", None)
        for name_ in ("response_due_at", "acceptance_due_at"):
            if data.get(name_) is None:
                data.pop(name_, None)
        # The door's locking read also answers 404 for an application the user cannot see.
        app = services.application_transition(application_id=_application_pk(pk), name=name,
                                               actor=request.user, data=data, expected_status=expected,
                                               visible_to=request.user)
        return Response(ApplicationSerializer(app, context=self.get_serializer_context()).data)

    @extend_schema(parameters=[_APPLICATION_ID], responses={200: HistoryEntrySerializer(many=True), **errors(404)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """The application's state changes, oldest first (internal comments only for staff)."""
        app = self.get_object()
        return self._page(transition_history(app, request.user), HistoryEntrySerializer)

    @extend_schema(methods=["GET"], parameters=[_APPLICATION_ID],
                   responses={200: DocumentSerializer(many=True), **errors(404)})
    @extend_schema(methods=["POST"], parameters=[_APPLICATION_ID],
                   request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer, **errors(400, 403, 404, 409, 413, 415)})
    @action(detail=True, methods=["get", "post"], filter_backends=[], parser_classes=[MultiPartParser])
    def documents(self, request, pk=None):
        """List the application's documents, or upload one (members, while editable)."""
        if request.method == "GET":
            app = self.get_object()
            return self._page(app.documents.select_related("uploaded_by").order_by("uploaded_at", "id"),
                              DocumentSerializer)
        application_id = _application_pk(pk)
        if request_body_too_large(request):
            raise too_large_error()  # before the body is read
        data = request.data
        if upload_was_too_large(request):
            raise too_large_error()  # the upload handler stopped reading past the limit
        body = DocumentUploadSerializer(data=data)
        body.is_valid(raise_exception=True)
        # The service's locking read answers 404 for an application the user cannot see.
        doc = services.document_upload(actor=request.user, application=application_id,
                                       kind=body.validated_data["kind"], uploaded=body.validated_data["file"],
                                       visible_to=request.user)
        return Response(DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)


def _application_pk(pk) -> int:
    """The URL's application id; one that is not an integer names no application (404)."""
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None


def _budget(data: dict) -> dict | None:
    """Pop the flattened ``budget_<class>`` values into the service's ``budget`` dict."""
    budget = {key.removeprefix("budget_"): data.pop(key) for key in list(data) if key.startswith("budget_")}
    return budget or None


class DocumentDownloadView(APIView):
    """Stream a document to anyone who may see its application, always as an attachment."""

    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(
        operation_id="documents_download", tags=["documents"],
        responses={**binary_responses(*DOCUMENT_MEDIA_TYPES,
                                      description="The file in its stored media type (decided by its "
                                                  "bytes at upload), or application/octet-stream when "
                                                  "Accept asks only for that."),
                   **errors(404)},
    )
    def get(self, request, pk: int):
        doc = get_object_or_404(Document.objects.restrict(request.user), pk=pk)
        return file_response(request, doc.file.open("rb"), content_type=doc.content_type,
                             filename=safe_download_name(doc.original_name))
