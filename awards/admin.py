"""Admin for awards. Financial records are read-only here: awards, obligations and loan
terms change only through the services (issuance, acceptance, rescission), which log."""

from django.contrib import admin

from dpa_funding.admin_base import ReadOnlyAdmin

from .models import Award, AwardNumberSequence, AwardTerms, LoanTerms, Obligation


class LoanTermsInline(admin.StackedInline):
    model = LoanTerms
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ObligationInline(LoanTermsInline):
    model = Obligation


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("award_number", "application", "instrument", "federal_amount", "status",
                    "acceptance_due_at", "letter_status")
    list_filter = ("status", "instrument", "letter_status", "fiscal_year")
    search_fields = ("award_number", "application__title", "application__organization__legal_name")
    date_hierarchy = "issued_at"
    list_select_related = ("application",)
    inlines = [LoanTermsInline, ObligationInline]


@admin.register(AwardTerms)
class AwardTermsAdmin(ReadOnlyAdmin):
    list_display = ("application", "instrument", "federal_amount", "version", "updated_by", "updated_at")
    list_filter = ("instrument",)
    search_fields = ("application__title",)


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ("award", "opportunity", "instrument", "amount", "created_at", "released_at")
    list_filter = ("instrument", "opportunity")


@admin.register(AwardNumberSequence)
class AwardNumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ("fiscal_year", "last_number")
