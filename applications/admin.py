"""Django admin for the applications app.

Workflow state is never edited here: Application.status is a protected FSM field shown
read-only (changes go through applications.services.application_transition), and the
transition log is append-only, so its admin grants no add, change or delete.
"""

from django.contrib import admin

from dpa_funding.admin_base import ReadOnlyAdmin

from .models import (
    Application,
    Document,
    FundingOpportunity,
    IdempotencyRecord,
    Mineral,
    Project,
    RubricCriterion,
    TransitionLog,
)


@admin.register(Mineral)
class MineralAdmin(admin.ModelAdmin):
    # Editable: EO 14241 lets the NEDC Chair designate more minerals; admins record them here.
    list_display = ("name", "symbol", "group", "usgs_2022", "usgs_2025", "eo_14241_named")
    list_filter = ("group", "usgs_2022", "usgs_2025", "eo_14241_named")
    search_fields = ("name", "symbol")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "facility_type", "stage", "country", "state")
    list_filter = ("facility_type", "stage", "country", "state")
    search_fields = ("name", "organization__legal_name", "organization__uei")
    list_select_related = ("organization",)
    filter_horizontal = ("minerals",)
    autocomplete_fields = ("organization",)


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0
    fields = ("position", "name", "weight", "allows_na", "description")


@admin.register(FundingOpportunity)
class FundingOpportunityAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "opens_at", "closes_at", "budget_ceiling", "max_award")
    search_fields = ("number", "title")
    date_hierarchy = "opens_at"
    filter_horizontal = ("eligible_minerals", "program_officers")
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = [RubricCriterionInline]


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ("kind", "original_name", "size", "content_type", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "organization", "opportunity", "instrument", "status", "submitted_at")
    list_filter = ("status", "instrument", "opportunity")
    search_fields = ("title", "organization__legal_name", "organization__uei", "opportunity__number")
    list_select_related = ("organization", "opportunity")
    # status is a protected FSM field: listing it here keeps it out of the form entirely.
    readonly_fields = ("status", "submitted_at", "response_due_at", "created_by", "created_at", "updated_at")
    autocomplete_fields = ("organization", "project")
    inlines = [DocumentInline]

    def has_add_permission(self, request):
        # Applications start through application_create (membership and project checks).
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("id", "application", "kind", "original_name", "size", "content_type", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("original_name", "sha256", "application__title")
    list_select_related = ("application",)


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "content_type", "object_id", "transition", "from_state", "to_state", "actor")
    list_filter = ("content_type", "transition", "to_state")
    search_fields = ("object_id", "transition", "comment", "actor__username")
    list_select_related = ("content_type", "actor")
    date_hierarchy = "at"


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "scope", "key", "response_status")
    search_fields = ("key", "scope", "user__username")
    list_select_related = ("user",)
