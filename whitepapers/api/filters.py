"""Filters for the white-paper list."""

import django_filters

from dpa_funding.api.filters import IdFilter
from whitepapers.choices import WhitePaperStatus
from whitepapers.models import WhitePaper


class WhitePaperFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=WhitePaperStatus.choices, distinct=False,
                                                 help_text="Repeat to match any of several.")
    opportunity = IdFilter(field_name="opportunity_id")
    organization = IdFilter(field_name="organization_id")

    class Meta:
        model = WhitePaper
        fields = ["status", "opportunity", "organization"]
