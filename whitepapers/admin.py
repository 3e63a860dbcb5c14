"""Django admin for white papers: read-only. White papers are the applicant's record and
their status changes only through whitepapers.services.white_paper_transition."""

from django.contrib import admin

from dpa_funding.admin_base import ReadOnlyAdmin

from .models import WhitePaper, WhitePaperDocument


class WhitePaperDocumentInline(admin.StackedInline):
    model = WhitePaperDocument
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "original_name", "size", "pages", "content_type", "sha256", "uploaded_by",
                       "uploaded_at")
    exclude = ("file",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WhitePaper)
class WhitePaperAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "organization", "opportunity", "status", "submitted_at", "proposal_due_at")
    list_filter = ("status", "opportunity")
    search_fields = ("title", "organization__legal_name", "organization__uei", "opportunity__number")
    list_select_related = ("organization", "opportunity")
    inlines = [WhitePaperDocumentInline]


@admin.register(WhitePaperDocument)
class WhitePaperDocumentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "white_paper", "pages", "size", "uploaded_at")
    list_select_related = ("white_paper",)
