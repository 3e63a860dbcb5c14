"""Serializers for the accounts API. Validation of identifiers lives in the model
validators and runs in the services, so field errors have one source."""

from decimal import Decimal

import pycountry
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import services
from accounts.choices import InvitationStatus, MemberRole
from accounts.geography import Country
from accounts.models import Invitation, Membership, Organization, User
from dpa_funding import policy
from dpa_funding.api.schema import OPTIONAL_MARK


@extend_schema_field({"type": "boolean", OPTIONAL_MARK: True})
class OptionalBooleanField(serializers.BooleanField):
    """A read-only boolean that some responses leave out: not required in the schema."""


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False,
                                     max_length=4096)
    otp = serializers.CharField(
        required=False, allow_blank=True, max_length=32,
        help_text="Staff, and applicants who enrolled a second factor: the current 6-digit code "
                  "from the authenticator app, or an unused recovery code.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"},
                                     trim_whitespace=False)


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "role"]
        read_only_fields = fields


class MyOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    member_role = serializers.ChoiceField(choices=MemberRole.choices)


class MeSerializer(UserSerializer):
    organizations = MyOrganizationSerializer(many=True, read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "organizations"]
        read_only_fields = fields


ORGANIZATION_FIELDS = [
    "legal_name", "uei", "ein", "cage_code", "naics_code", "address_line1", "city", "state",
    "postal_code", "congressional_district", "country",
]


# Any ISO 3166-1 country (owners may be from anywhere), by code.
OWNER_COUNTRIES = sorted((c.alpha_2, c.name) for c in pycountry.countries)


class OwnerListSerializer(serializers.ListSerializer):
    """Adds the 100% total to the per-owner errors, so one 400 names every problem."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail
            if isinstance(detail, dict) and isinstance(data, list):
                total = sum((_share(item) for item in data), Decimal("0"))
                message = services.owners_total_error(total)
                if message:
                    detail = {**detail, "non_field_errors": [message]}
            raise serializers.ValidationError(detail) from None


def _share(item) -> Decimal:
    try:
        value = Decimal(str(item.get("percent"))) if isinstance(item, dict) else Decimal("0")
    except ArithmeticError:
        return Decimal("0")
    return value if value.is_finite() and 0 < value <= 100 else Decimal("0")


class OwnerSerializer(serializers.Serializer):
    """One disclosed owner. Shares and countries are checked (with the 100% total) in
    accounts.services, so every owner's problems come back in one 400."""

    name = serializers.CharField(max_length=200)
    country = serializers.ChoiceField(choices=OWNER_COUNTRIES,
                                      help_text="ISO 3166-1 alpha-2 code, e.g. 'CA' or 'CN'.")
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.01"),
                                       max_value=Decimal("100"), coerce_to_string=True)
    government_controlled = serializers.BooleanField(default=False)

    class Meta:
        list_serializer_class = OwnerListSerializer

    def to_internal_value(self, data):
        # Accept lower-case country codes, as the organization's own country does.
        if isinstance(data, dict) and isinstance(data.get("country"), str):
            data = {**data, "country": data["country"].strip().upper()}
        return super().to_internal_value(data)
# Format and uniqueness rules run in accounts.services (after normalizing case), which reports
# them as field errors; repeating them here would reject "nv-002" before it is normalized.
_NO_FIELD_VALIDATORS = {name: {"validators": []} for name in ORGANIZATION_FIELDS}


class OrganizationSerializer(serializers.ModelSerializer):
    """An applicant organization. ``foreign_entity_of_concern`` is shown to federal staff only."""

    owners = OwnerSerializer(
        many=True, required=False,
        help_text="Every owner (name, country, percent, government-controlled); the shares may "
                  "not add up to more than 100%. On PATCH, a list replaces all owners.",
    )
    foreign_ownership_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True,
        help_text="Derived: the shares of owners outside the United States.",
    )
    foreign_owner_countries = serializers.ListField(
        child=serializers.CharField(max_length=2, min_length=2), read_only=True,
        help_text="Derived: the countries of owners outside the United States (ISO 3166-1 alpha-2).",
    )
    covered_nation_disclosure = OptionalBooleanField(
        read_only=True, required=False,
        help_text="An owner from a covered nation (CN, RU, IR, KP) holds any share: a disclosure "
                  "for the officer to review; present only for federal staff.",
    )
    # Left out of applicants' responses, so the schema must not call it required.
    foreign_entity_of_concern = OptionalBooleanField(
        read_only=True, required=False,
        help_text="Derived (42 U.S.C. 18741); present only for program officers and administrators.",
    )
    needs_domestic_source_determination = OptionalBooleanField(
        read_only=True, required=False,
        help_text="Australian or UK applicant: a domestic source only after the officer's "
                  "determination (50 U.S.C. 4552(7)); present only for federal staff.",
    )
    country = serializers.ChoiceField(choices=Country.choices, default=Country.US, required=False)
    state = serializers.CharField(
        max_length=3, help_text="The country's subdivision code: 'NV', 'ON', 'WA', 'SCT'.",
    )
    congressional_district = serializers.CharField(
        max_length=6, required=False, allow_blank=True,
        help_text="US addresses only, e.g. 'NV-002' or 'WY-AL'; empty elsewhere.",
    )

    class Meta:
        model = Organization
        fields = ["id", *ORGANIZATION_FIELDS, "owners", "foreign_ownership_percent",
                  "foreign_owner_countries", "foreign_entity_of_concern", "covered_nation_disclosure",
                  "needs_domestic_source_determination", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = _NO_FIELD_VALIDATORS

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not (request and policy.may(request.user, "staff.read")):
            data.pop("foreign_entity_of_concern", None)
            data.pop("covered_nation_disclosure", None)
            data.pop("needs_domestic_source_determination", None)
        return data


class MemberAddSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.CONTRIBUTOR)


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation to join an organization; membership starts when the invitee accepts."""

    organization_name = serializers.CharField(source="organization.legal_name", read_only=True)
    status = serializers.ChoiceField(choices=InvitationStatus.choices, read_only=True)
    role = serializers.ChoiceField(choices=MemberRole.choices, read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "organization", "organization_name", "username", "role", "status", "created_at",
                  "responded_at"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organization", "user", "username", "role", "created_at"]
        read_only_fields = fields

