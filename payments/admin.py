"""Admin for payments: read-only, since money moves only through the services (which lock,
check and audit)."""

from django.contrib import admin

from dpa_funding.admin_base import ReadOnlyAdmin

from .models import Delinquency, Disbursement, PaymentRequest, Repayment, RepaymentAllocation


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "award", "request_type", "amount", "status", "requested_at", "decided_at", "paid_at")
    list_filter = ("status", "request_type")
    search_fields = ("award__award_number",)


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ("id", "award", "amount", "disbursed_on", "recorded_by")
    search_fields = ("award__award_number",)


class AllocationInline(admin.TabularInline):
    model = RepaymentAllocation
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    inlines = [AllocationInline]
    list_display = ("id", "award", "amount", "received_on", "interest_applied", "principal_applied")
    search_fields = ("award__award_number",)


@admin.register(Delinquency)
class DelinquencyAdmin(ReadOnlyAdmin):
    list_display = ("id", "award", "installment", "due_date", "past_due_amount", "marked_at", "cured_at")
    list_filter = ("cured_at",)
