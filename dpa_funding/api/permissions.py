"""Role-based DRF permissions. Object visibility is decided by ``visible_to`` querysets
(404), and what a visible user may do by the services (403); these classes only gate
whole endpoints by role."""

from rest_framework.permissions import BasePermission

from accounts.choices import Role
from accounts.roles import is_federal_staff


class IsProgramOfficer(BasePermission):
    """Allow program officers and administrators only (403 for everyone else signed in)."""

    message = "Only program officers may do this."

    def has_permission(self, request, view) -> bool:
        return is_federal_staff(request.user)


class IsApplicant(BasePermission):
    """Allow applicant accounts only: organizations and projects belong to applicants, so
    staff get 403 before their request body is even validated."""

    message = "Only applicant accounts may do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.role == Role.APPLICANT)
