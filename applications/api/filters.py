"""Filters for the application list (api.md: status, opportunity, organization, instrument,
mineral, state)."""

import django_filters
from django.db.models import Exists, OuterRef

from accounts.geography import Country, subdivisions
from applications.choices import ApplicationStatus, Instrument
from applications.models import Application, Project
from dpa_funding.api.filters import FilterSet, IdFilter


class ApplicationFilter(FilterSet):
    # distinct=False: a status matches one row per application, and DISTINCT over every
    # selected column made the filtered count 30x slower.
    status = django_filters.MultipleChoiceFilter(choices=ApplicationStatus.choices, distinct=False,
                                                 help_text="Repeat to match any of several.")
    opportunity = IdFilter(field_name="opportunity_id")
    organization = IdFilter(field_name="organization_id")
    instrument = django_filters.ChoiceFilter(choices=Instrument.choices)
    mineral = IdFilter(method="filter_mineral",
                                          help_text="Mineral id among the project's minerals.")
    country = django_filters.ChoiceFilter(field_name="project__country", choices=Country.choices,
                                          help_text="The project's country.")
    # Codes repeat across countries (WA, NT): combine with ``country`` to be exact.
    state = django_filters.ChoiceFilter(
        field_name="project__state",
        choices=sorted({(code, code) for c in Country.values for code in subdivisions(c)}),
        help_text="The project's subdivision code (US state, province, Australian state, UK nation).",
    )

    def filter_mineral(self, queryset, name, value):
        # A semi-join (EXISTS) rather than a join plus DISTINCT: no duplicate rows to remove.
        links = Project.minerals.through.objects.filter(project_id=OuterRef("project_id"), mineral_id=value)
        return queryset.filter(Exists(links))

    class Meta:
        model = Application
        fields = ["status", "opportunity", "organization", "instrument", "mineral", "country", "state"]
