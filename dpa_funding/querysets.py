"""The one queryset base for every model: ``Model.objects.restrict(user, action)``.

NetBox's ``utilities/querysets.py`` pattern: a queryset narrows itself to what a user may
see or act on. The rules live in ``dpa_funding.policy`` (its ``_scope`` registry), so the
API, the pages and exports all get the same answer.
"""

from django.db import models


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Rows ``user`` may ``action`` (deny by default)."""
        from dpa_funding import policy

        return policy.restrict(self, user, action)

    def visible_to(self, user):
        """Alias of ``restrict(user, "view")`` kept for callers written before restrict()."""
        return self.restrict(user, "view")


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
