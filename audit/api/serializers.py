from rest_framework import serializers

from audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, read_only=True,
                                  help_text="Username of the acting user; null when the system acted.")
    changes = serializers.JSONField(read_only=True, help_text='{"before": {...}, "after": {...}, ...}')

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "object_type", "object_id", "action", "changes", "prev_hash", "hash"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.actor_id is None:
            data["actor"] = None
        return data
