from django.contrib import admin

from .models import Notification, NotificationPreference, ReminderLog


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "subject", "read_at", "emailed_at")
    list_filter = ("kind", "deadline_kind")
    search_fields = ("subject", "recipient__username", "recipient__email")
    raw_id_fields = ("recipient",)
    date_hierarchy = "created_at"


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "deadline_kind", "object_id", "offset_hours", "deadline_at",
                    "recipient", "escalation")
    list_filter = ("deadline_kind", "offset_hours", "escalation")
    raw_id_fields = ("recipient",)

    def has_change_permission(self, request, obj=None):
        return False  # the log is evidence of what was sent


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "enabled")
    raw_id_fields = ("user",)
