"""Ordering with a stable tie-break.

Sorting by a column with equal values (two applications submitted in the same second,
equal amounts) leaves PostgreSQL free to return ties in any order, so consecutive pages
could repeat or skip rows. Every ordering therefore ends with the primary key, in the
direction of the last requested field.
"""

from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not ordering:
            return ordering
        if not any(f.lstrip("-") in ("id", "pk") for f in ordering):
            ordering.append("-id" if ordering[-1].startswith("-") else "id")
        return ordering
