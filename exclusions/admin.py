"""Django admin: imports and checks are read here, never edited (they are the record)."""

from django.contrib import admin

from .models import ExclusionCheck, SamClearance, SamExtract


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SamExtract)
class SamExtractAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "imported_at", "rows", "source", "records_kept", "sha256")


@admin.register(ExclusionCheck)
class ExclusionCheckAdmin(ReadOnlyAdmin):
    list_display = ("organization", "application", "occasion", "result", "checked_at", "checked_by")
    list_filter = ("result", "occasion")
    list_select_related = ("organization", "application", "checked_by")


@admin.register(SamClearance)
class SamClearanceAdmin(ReadOnlyAdmin):
    list_display = ("organization", "extract", "cleared_by", "cleared_at")
    list_select_related = ("organization", "extract", "cleared_by")
