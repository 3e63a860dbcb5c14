"""Serializers of the webhooks API (shapes only; services validate and write)."""

from rest_framework import serializers

from accounts.models import Organization

from ..choices import DeliveryStatus, EventType
from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.legal_name", read_only=True)
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices),
                                        allow_empty=False)
    secret = serializers.CharField(read_only=True, help_text="Signs every delivery; see the integration guide.")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "organization", "organization_name", "url", "description", "event_types", "is_active",
                  "secret", "created_at", "updated_at"]
        read_only_fields = ["id", "secret", "created_at", "updated_at"]
        extra_kwargs = {"description": {"required": False}, "is_active": {"required": False},
                        "url": {"help_text": "HTTPS URL; private, loopback and link-local addresses are refused."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # An organization the user cannot see is reported as not existing.
            self.fields["organization"].queryset = Organization.objects.restrict(request.user)

    def validate(self, attrs):
        if self.instance is not None and "organization" in attrs:
            if attrs.pop("organization") != self.instance.organization:
                raise serializers.ValidationError({"organization": ["This field cannot be changed."]})
        return attrs


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["at", "status_code", "error", "duration_ms"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_type = serializers.ChoiceField(choices=EventType.choices, read_only=True)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True)
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)
    payload = serializers.JSONField(read_only=True, help_text="The body sent: {id, type, created_at, data}.")

    class Meta:
        model = WebhookDelivery
        fields = ["id", "endpoint", "event_id", "event_type", "payload", "status", "attempts",
                  "next_attempt_at", "last_attempt_at", "last_status_code", "last_error", "redelivery_of",
                  "created_at", "delivered_at", "attempt_log"]
        read_only_fields = fields
