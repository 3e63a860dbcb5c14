"""Filter pieces that describe themselves truthfully in the OpenAPI schema, and a FilterSet
that costs less per request."""

import copy

import django_filters
from django import forms
from django.http import QueryDict
from django_filters.filters import FilterMethod
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from dpa_funding.api.ordering import StableOrderingFilter


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An integer id filter. django-filter's NumberFilter accepts (and the schema advertised)
    decimals, so generated clients sent ``organization=19.0``."""

    field_class = forms.IntegerField


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet without its per-request rebuilding: each request deep-copied
    every filter (choices included), built a new form class with new fields, and the form
    deep-copied those fields again (about a millisecond on the application list). Here the
    form class is built once per FilterSet class and its forms share its fields, and filters
    are copied shallowly. Nothing mutates a filter's field or choices while a request is
    validated, so sharing them is safe; a subclass that does must override these methods."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            self.filters[name] = filter_ = copy.copy(base)
            filter_.model, filter_.parent = queryset.model, self
            if isinstance(filter_.__dict__.get("filter"), FilterMethod):
                filter_.filter = FilterMethod(filter_)  # method= filters call their own parent

    @classmethod
    def _shared_form_class(cls):
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            form_class.base_fields = _SharedFields(form_class.base_fields)
            cls._form_class = form_class
        return form_class

    def get_form_class(self):
        return self._shared_form_class()


class _SharedFields(dict):
    """A form class's fields that its forms use as they are (Form.__init__ deep-copies them)."""

    def __deepcopy__(self, memo):
        return self


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
