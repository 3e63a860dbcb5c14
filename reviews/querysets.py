"""The permission-aware queryset of review assignments (kept apart from selectors.py so that
models.py can use it without an import cycle)."""

from django.db import models

from accounts.choices import Role
from accounts.roles import is_federal_staff


class ReviewAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReviewAssignmentQuerySet":
        """Reviewers see their own assignments; officers and admins all; applicants none."""
        if not user.is_authenticated:
            return self.none()
        if is_federal_staff(user):
            return self.all()
        if user.role == Role.REVIEWER:
            return self.filter(reviewer=user)
        return self.none()

    def in_opportunity(self, opportunity) -> "ReviewAssignmentQuerySet":
        return self.filter(application__opportunity=opportunity)
