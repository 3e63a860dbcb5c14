"""Django admin for merit review: read-only apart from the due date.

Assignments, COI certification and scores are written by the reviews services (blind
review, immutability after submission); the admin only lets an administrator inspect
them and move a deadline.
"""

from django.contrib import admin

from .models import CriterionScore, ReviewAssignment


class CriterionScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0
    fields = ("criterion", "score", "comment")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ("id", "application", "reviewer", "status", "due_at", "score", "submitted_at")
    list_filter = ("status",)
    search_fields = ("reviewer__username", "application__title", "application__id")
    list_select_related = ("application", "reviewer")
    # Every field but due_at is read-only, including fields added later.
    editable = ("due_at",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields if f.name not in self.editable and f.name != "id"]

    inlines = [CriterionScoreInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
