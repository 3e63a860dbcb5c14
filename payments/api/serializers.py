"""Serializers of the payments API (shapes from api.md: payment requests, disbursements,
repayments, loan status)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from payments.choices import PaymentRequestStatus, RequestType
from payments.models import Disbursement, PaymentRequest, Repayment, RepaymentAllocation
from payments.workflow import PAYMENT_REQUEST

MONEY = {"max_digits": 15, "decimal_places": 2}
TRANSITION_NAMES = [(t.name, t.label) for t in PAYMENT_REQUEST.transitions]


class PaymentRequestSerializer(serializers.ModelSerializer):
    award_number = serializers.CharField(source="award.award_number", read_only=True)
    organization = serializers.IntegerField(source="award.application.organization_id", read_only=True)
    organization_name = serializers.CharField(source="award.application.organization.legal_name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = PaymentRequest
        fields = ["id", "award", "award_number", "organization", "organization_name", "request_type", "amount",
                  "period_start", "period_end", "status", "requested_by", "requested_at", "decided_at",
                  "decision_comment", "paid_at", "available_transitions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=TRANSITION_NAMES)))
    def get_available_transitions(self, obj) -> list[str]:
        from dpa_funding import lifecycle

        request = self.context.get("request")
        if request is None:
            return []
        return [t.name for t in lifecycle.available(obj, request.user, "payment_request")]


class PaymentRequestCreateSerializer(serializers.Serializer):
    """SF-270: what kind of payment, how much, for which period."""

    request_type = serializers.ChoiceField(choices=RequestType.choices)
    amount = serializers.DecimalField(**MONEY)
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class PaymentRequestTransitionOptionSerializer(serializers.Serializer):
    """A transition the user may fire now."""

    name = serializers.ChoiceField(choices=TRANSITION_NAMES)
    label = serializers.CharField()
    target = serializers.ChoiceField(choices=PaymentRequestStatus.choices)


class PaymentRequestTransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Required for reject; shown to the recipient.")
    expected_status = serializers.ChoiceField(
        choices=PaymentRequestStatus.choices, required=False,
        help_text="If given and the request is no longer in this status, nothing changes and 409 "
                  "conflict is returned.")


class DisbursementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disbursement
        fields = ["id", "award", "amount", "disbursed_on", "note", "recorded_at"]
        read_only_fields = fields


class DisbursementCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    disbursed_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class AllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = RepaymentAllocation
        fields = ["installment", "due_date", "interest", "principal"]
        read_only_fields = fields


class RepaymentSerializer(serializers.ModelSerializer):
    allocations = AllocationSerializer(many=True, read_only=True,
                                       help_text="How the repayment was applied, installment by installment.")

    class Meta:
        model = Repayment
        fields = ["id", "award", "amount", "received_on", "reference", "interest_applied", "principal_applied",
                  "allocations", "recorded_at"]
        read_only_fields = fields


class RepaymentCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    received_on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class LoanStatusSerializer(serializers.Serializer):
    award = serializers.IntegerField()
    principal = serializers.DecimalField(**MONEY)
    principal_disbursed = serializers.DecimalField(**MONEY)
    principal_repaid = serializers.DecimalField(**MONEY)
    interest_paid = serializers.DecimalField(**MONEY)
    principal_outstanding = serializers.DecimalField(**MONEY, help_text="Disbursed minus principal repaid.")
    next_due_date = serializers.DateField(allow_null=True,
                                          help_text="First unpaid installment due today or later (US Eastern).")
    next_due_amount = serializers.DecimalField(**MONEY)
    past_due_amount = serializers.DecimalField(**MONEY, help_text="Unpaid on installments whose due date passed.")
    days_past_due = serializers.IntegerField(help_text="Days since the oldest unpaid installment fell due.")
    delinquent = serializers.BooleanField(help_text="An installment is unpaid 30 days or more after its due date.")
    delinquency_marked_at = serializers.DateTimeField(
        allow_null=True, help_text="When the daily job marked the open delinquency (null when none).")
