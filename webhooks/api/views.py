"""REST API v1 for webhooks: an organization's endpoints and the delivery log."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dpa_funding.api.filters import IdFilter
from dpa_funding.api.permissions import IsApplicant
from dpa_funding.api.schema import errors
from dpa_funding.api.validation import AllErrorsMixin

from .. import selectors, services
from ..choices import DeliveryStatus, EventType
from .serializers import WebhookDeliverySerializer, WebhookEndpointSerializer


@extend_schema_view(
    list=extend_schema(responses={200: WebhookEndpointSerializer(many=True), **errors(403)}),
    retrieve=extend_schema(responses={200: WebhookEndpointSerializer, **errors(403, 404)}),
    create=extend_schema(responses={201: WebhookEndpointSerializer, **errors(400, 403)}),
    partial_update=extend_schema(responses={200: WebhookEndpointSerializer, **errors(400, 403, 404)}),
    destroy=extend_schema(responses={204: None, **errors(403, 404)}),
)
@extend_schema(tags=["webhooks"])
class WebhookEndpointViewSet(AllErrorsMixin, mixins.CreateModelMixin, mixins.ListModelMixin,
                             mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                             viewsets.GenericViewSet):
    """Endpoints of the organizations you represent (authorized representatives only)."""

    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsApplicant]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["created_at"]
    ordering = ["created_at", "id"]

    def get_queryset(self):
        return selectors.endpoints_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.endpoint_create(
            actor=self.request.user, organization=data.pop("organization", None),
            url=data.pop("url", None), event_types=data.pop("event_types", None), **data)

    def perform_update(self, serializer):
        serializer.instance = services.endpoint_update(actor=self.request.user, endpoint=serializer.instance,
                                                       **serializer.validated_data)

    def perform_destroy(self, instance):
        services.endpoint_delete(actor=self.request.user, endpoint=instance)

    @extend_schema(request=None, responses={200: WebhookEndpointSerializer, **errors(403, 404)})
    @action(detail=True, methods=["post"], url_path="rotate-secret", filter_backends=[])
    def rotate_secret(self, request, pk=None):
        """Replace the signing secret (deliveries from now on use the new one)."""
        endpoint = services.endpoint_rotate_secret(actor=request.user, endpoint=self.get_object())
        return Response(self.get_serializer(endpoint).data)


class DeliveryFilter(django_filters.FilterSet):
    endpoint = IdFilter(field_name="endpoint_id")
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event_type = django_filters.ChoiceFilter(choices=EventType.choices)


@extend_schema_view(
    list=extend_schema(responses={200: WebhookDeliverySerializer(many=True), **errors(403)}),
    retrieve=extend_schema(responses={200: WebhookDeliverySerializer, **errors(403, 404)}),
)
@extend_schema(tags=["webhooks"])
class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The delivery log, newest first, with every attempt."""

    serializer_class = WebhookDeliverySerializer
    permission_classes = [IsApplicant]
    filterset_class = DeliveryFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.deliveries_visible_to(self.request.user).prefetch_related("attempt_log")

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer, **errors(403, 404)})
    @action(detail=True, methods=["post"], filter_backends=[])
    def redeliver(self, request, pk=None):
        """Send the event again (same event id and body) as a new delivery."""
        copy = services.delivery_redeliver(actor=request.user, delivery=self.get_object())
        fresh = self.get_queryset().get(pk=copy.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_202_ACCEPTED)
