"""Serializers for the exclusion-check endpoints (api.md)."""

from rest_framework import serializers

from exclusions.choices import CheckResult


class ExclusionRecordSerializer(serializers.Serializer):
    name = serializers.CharField()
    classification = serializers.CharField()
    uei = serializers.CharField(help_text="Empty for records without a UEI (name matches).")
    exclusion_type = serializers.CharField()
    exclusion_program = serializers.CharField()
    excluding_agency = serializers.CharField()
    active_date = serializers.DateField(allow_null=True)
    termination_date = serializers.DateField(allow_null=True, help_text="Null: indefinite.")
    record_status = serializers.CharField()
    sam_number = serializers.CharField()
    city = serializers.CharField()
    state_province = serializers.CharField()
    country = serializers.CharField()


class ExtractSerializer(serializers.Serializer):
    imported_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    rows = serializers.IntegerField()


class ClearanceSerializer(serializers.Serializer):
    comment = serializers.CharField()
    cleared_by = serializers.CharField(source="cleared_by.username")
    cleared_at = serializers.DateTimeField()


class ExclusionCheckSerializer(serializers.Serializer):
    """One check of the organization against the current extract (kept in the log)."""

    id = serializers.IntegerField(help_text="The recorded check.")
    excluded = serializers.BooleanField(help_text="An active record carries the organization's UEI.")
    exclusions = ExclusionRecordSerializer(many=True, help_text="The active records with the UEI.")
    possible_matches = ExclusionRecordSerializer(
        many=True, help_text="Active records without a UEI whose normalized name is the legal name's.")
    cleared = serializers.BooleanField(help_text="An officer cleared the possible matches for this extract.")
    clearance = ClearanceSerializer(allow_null=True)
    result = serializers.ChoiceField(choices=CheckResult.choices)
    extract = ExtractSerializer(allow_null=True, help_text="Null when no extract was ever imported.")
    extract_stale = serializers.BooleanField(
        help_text="The extract is older than SAM_EXTRACT_MAX_AGE_DAYS: select and award refuse.")
    checked_at = serializers.DateTimeField()


class ClearRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text="Why the possible matches are not this organization.")


def check_body(check, finding) -> dict:
    return {
        "id": check.pk, "excluded": finding.excluded, "exclusions": finding.exclusions,
        "possible_matches": finding.possible_matches, "cleared": finding.clearance is not None,
        "clearance": finding.clearance, "result": finding.result, "extract": finding.extract,
        "extract_stale": finding.stale, "checked_at": check.checked_at,
    }
