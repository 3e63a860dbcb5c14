"""The review assignment queryset (kept apart from selectors.py so that models.py can use
it without an import cycle). Who sees what is ``dpa_funding.policy``'s scope."""

from dpa_funding.querysets import RestrictedQuerySet


class ReviewAssignmentQuerySet(RestrictedQuerySet):
    def in_opportunity(self, opportunity) -> "ReviewAssignmentQuerySet":
        return self.filter(application__opportunity=opportunity)
