"""Serializers of the awards API (shapes from api.md)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.choices import Instrument
from awards.choices import AwardStatus, LetterStatus, PaymentFrequency
from awards.models import Award
from awards.workflow import AWARD

MONEY = {"max_digits": 15, "decimal_places": 2}
# Enum values for the OpenAPI schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
AWARD_TRANSITION_NAMES = [(t.name, t.label) for t in AWARD.transitions]


class LoanTermsSerializer(serializers.Serializer):
    principal = serializers.DecimalField(**MONEY)
    annual_rate_percent = serializers.DecimalField(max_digits=7, decimal_places=4)
    term_months = serializers.IntegerField(min_value=1)
    grace_months = serializers.IntegerField(min_value=0)
    payment_frequency = serializers.ChoiceField(choices=PaymentFrequency.choices)
    first_payment_date = serializers.DateField()


class TermsInputSerializer(serializers.Serializer):
    """PUT body: the whole set of terms. ``loan`` is required for loans and guarantees."""

    instrument = serializers.ChoiceField(choices=Instrument.choices)
    federal_amount = serializers.DecimalField(**MONEY)
    cost_share_amount = serializers.DecimalField(**MONEY)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    conditions = serializers.ListField(child=serializers.CharField(max_length=2000), required=False, default=list)
    loan = LoanTermsSerializer(required=False, allow_null=True)
    version = serializers.IntegerField(
        required=False, min_value=0,
        help_text="The version you edited (from GET); a different current version returns 409 conflict.",
    )


class LoanTermsOutSerializer(serializers.Serializer):
    """Loan terms as read back: version 0 proposes the request, whose loan terms are not
    drafted yet, so every value may be null until the officer saves them."""

    principal = serializers.DecimalField(**MONEY, allow_null=True)
    annual_rate_percent = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    term_months = serializers.IntegerField(allow_null=True)
    grace_months = serializers.IntegerField(allow_null=True)
    payment_frequency = serializers.ChoiceField(choices=PaymentFrequency.choices, allow_null=True)
    first_payment_date = serializers.DateField(allow_null=True)


class InstallmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    due_date = serializers.DateField()
    payment = serializers.CharField(help_text="Two-place decimal string.")
    interest = serializers.CharField()
    principal = serializers.CharField()
    balance = serializers.CharField()


class TermsSerializer(serializers.Serializer):
    """GET/PUT response: the drafted terms (``version`` 0 = not saved yet, the applicant's request)."""

    application = serializers.IntegerField()
    instrument = serializers.ChoiceField(choices=Instrument.choices)
    federal_amount = serializers.DecimalField(**MONEY, allow_null=True)
    cost_share_amount = serializers.DecimalField(**MONEY, allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    conditions = serializers.ListField(child=serializers.CharField())
    loan = LoanTermsOutSerializer(allow_null=True, help_text="Null unless the instrument is a loan or guarantee.")
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)
    obligation = serializers.DecimalField(**MONEY, allow_null=True,
                                          help_text="What the award would obligate from the budget.")
    budget_available = serializers.DecimalField(**MONEY, help_text="What remains of the opportunity's budget now.")
    schedule_preview = InstallmentSerializer(many=True, allow_null=True, required=False,
                                             help_text="GET only, loans with complete terms.")
    schedule_errors = serializers.DictField(child=serializers.CharField(), required=False,
                                            help_text="GET only: why no schedule preview could be built.")


class LetterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LetterStatus.choices)
    sha256 = serializers.CharField(allow_null=True)
    url = serializers.URLField(allow_null=True)
    error = serializers.CharField(allow_null=True, help_text="Failure reason; shown to officers only.")


class AwardSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="application.organization_id", read_only=True)
    opportunity = serializers.IntegerField(source="application.opportunity_id", read_only=True)
    organization_name = serializers.CharField(source="application.organization.legal_name", read_only=True)
    conditions = serializers.ListField(child=serializers.CharField(), read_only=True,
                                       help_text="Special award conditions, in order.")
    letter = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = [
            "id", "award_number", "application", "organization", "organization_name", "opportunity", "instrument",
            "federal_amount", "cost_share_amount", "period_start", "period_end", "conditions",
            "status", "issued_at", "acceptance_due_at", "accepted_at", "rescinded_at",
            "terms_version", "letter",
        ]
        read_only_fields = fields

    @extend_schema_field(LetterSerializer)
    def get_letter(self, award: Award) -> dict:
        ready = award.letter_status == LetterStatus.READY and bool(award.letter_file)
        request = self.context.get("request")
        url = None
        if ready:
            url = reverse("awards-api:award-letter", args=[award.pk])
            url = request.build_absolute_uri(url) if request else url
        from dpa_funding import policy

        staff = request is not None and policy.may(request.user, "staff.read")
        return {
            "status": award.letter_status,
            "sha256": (award.letter_sha256 or None) if ready else None,
            "url": url,
            "error": (award.letter_error or None) if staff else None,
        }


class RescindSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Why the award is rescinded (shown to the recipient).")


class DeclineAwardSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Why the recipient declines the award (required; "
                                              "400 conditions_unmet when blank).")


class AwardTransitionRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Required by the transitions whose table says so.")


class AwardTransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=AWARD_TRANSITION_NAMES)
    label = serializers.CharField()
    target = serializers.ChoiceField(choices=AwardStatus.choices)
    comment_required = serializers.BooleanField()


class FundsLineSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(choices=Instrument.choices)
    label = serializers.CharField()
    obligated = serializers.DecimalField(**MONEY)
    awards = serializers.IntegerField()


class FundsMineralSerializer(serializers.Serializer):
    mineral = serializers.IntegerField()
    name = serializers.CharField()
    symbol = serializers.CharField()
    obligated = serializers.DecimalField(**MONEY)
    awards = serializers.IntegerField()


class FundsSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField()
    budget_ceiling = serializers.DecimalField(**MONEY)
    obligated = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)
    by_instrument = FundsLineSerializer(many=True)
    by_mineral = FundsMineralSerializer(
        many=True,
        help_text="An award counts in full under each mineral of its project, so these may add up "
                  "to more than `obligated`.",
    )

