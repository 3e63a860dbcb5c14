"""Serializers for the notifications API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import OPTIONAL_KINDS
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    unread = serializers.SerializerMethodField()
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "deadline_kind", "subject", "body", "url", "object_type",
                  "object_id", "created_at", "read_at", "unread"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj) -> str:
        return obj.absolute_url

    def get_unread(self, obj) -> bool:
        return obj.read_at is None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_object_type(self, obj) -> str | None:
        # content_type is select_related by the view; "app_label.model"
        return f"{obj.content_type.app_label}.{obj.content_type.model}" if obj.content_type_id else None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


PreferencesSerializer = type("PreferencesSerializer", (serializers.Serializer,), {
    kind.value: serializers.BooleanField(required=False, help_text=kind.label) for kind in OPTIONAL_KINDS
} | {"__doc__": "Optional notification kinds and whether the user receives them. "
                "Deadline reminders cannot be turned off and are not listed."})
