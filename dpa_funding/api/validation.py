"""Every invalid field in one 400 (api.md: "Invalid input returns every field error at once").

A DRF serializer checks types and shapes; the service behind it checks the business rules
(identifier formats after normalizing, uniqueness, cross-field rules). Run one after the
other, a client fixing a missing field would only then learn that its UEI is malformed.
``validate_all`` therefore, when the serializer fails, also runs the service on the fields
that did validate, inside a savepoint that is always rolled back (nothing is written, and
on-commit side effects registered inside it are discarded), and merges the service's field
errors into the same response. The serializer's message wins where both name a field.
"""

from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, transaction
from rest_framework import serializers, status
from rest_framework.fields import SkipField, empty
from rest_framework.response import Response

from dpa_funding.errors import DomainError, ValidationFailed


class _RollBack(Exception):
    """Raised inside the dry run's savepoint so that it is always rolled back."""


class Partial:
    """Stands in for a serializer in ``perform_create``/``perform_update`` during a dry run."""

    def __init__(self, validated_data: dict, instance=None):
        self.validated_data = validated_data
        self.instance = instance


def partial_validated_data(serializer: serializers.Serializer) -> dict:
    """The validated values of the fields that passed (DRF keeps none once any field fails)."""
    data = serializer.initial_data
    out: dict = {}
    if not isinstance(data, Mapping):
        return out
    for field in serializer._writable_fields:
        primitive = field.get_value(data)
        if primitive is empty and serializer.partial:
            continue
        try:
            value = field.run_validation(primitive)
        except (serializers.ValidationError, DjangoValidationError, SkipField):
            continue
        serializer.set_value(out, field.source_attrs, value)
    return out


def validate_all(serializer: serializers.Serializer, *, dry_run: Callable[[dict], object] | None = None) -> dict:
    """Return ``serializer.validated_data``, or raise ``ValidationFailed`` with the serializer's
    errors and the errors ``dry_run(partial_data)`` raises, together."""
    if serializer.is_valid():
        return serializer.validated_data
    errors = dict(serializer.errors)
    if dry_run is not None:
        partial = partial_validated_data(serializer)
        try:
            with transaction.atomic():
                dry_run(partial)
                raise _RollBack
        except ValidationFailed as exc:
            for name, messages in exc.errors.items():
                errors.setdefault(name, messages)
        except (_RollBack, DomainError, DatabaseError, LookupError, AttributeError, TypeError, ValueError):
            # Missing values the service needs, or a permission or state problem the real
            # call will report once the fields are fixed: the serializer's errors stand.
            pass
    raise ValidationFailed(errors)


class AllErrorsMixin:
    """For model viewsets whose ``perform_create``/``perform_update`` call a service: a 400
    lists the serializer's and the service's field errors together (see ``validate_all``)."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        validate_all(serializer, dry_run=lambda data: self.perform_create(Partial(data)))
        self.perform_create(serializer)
        return Response(serializer.data, status=status.HTTP_201_CREATED,
                        headers=self.get_success_headers(serializer.data))

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        validate_all(serializer, dry_run=lambda data: self.perform_update(Partial(data, instance)))
        self.perform_update(serializer)
        if getattr(instance, "_prefetched_objects_cache", None):
            instance._prefetched_objects_cache = {}
        return Response(serializer.data)
