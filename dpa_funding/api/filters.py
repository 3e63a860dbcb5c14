"""Filter pieces that describe themselves truthfully in the OpenAPI schema."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from dpa_funding.api.ordering import StableOrderingFilter


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An integer id filter. django-filter's NumberFilter accepts (and the schema advertised)
    decimals, so generated clients sent ``organization=19.0``."""

    field_class = forms.IntegerField


class OrderingFilter(StableOrderingFilter):
    """The stable ordering filter, with the allowed values (each field ascending and, with a
    leading ``-``, descending) listed as an enum in the schema."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        try:
            queryset = view.get_queryset()
            names = [name for name, _label in self.get_valid_fields(queryset, view, {"request": None})]
        except Exception:  # noqa: BLE001 - a view the generator cannot introspect keeps a plain string
            return parameters
        if not names:
            return []
        values = [value for name in names for value in (name, f"-{name}")]
        for parameter in parameters:
            parameter["schema"] = {"type": "string", "enum": values}
            parameter["description"] = "Sort by this field; a leading '-' sorts descending."
        return parameters
