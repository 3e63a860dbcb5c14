"""Role-based DRF permissions. Object visibility is decided by ``visible_to`` querysets
(404), and what a visible user may do by the services (403); these classes only gate
whole endpoints by role."""

from rest_framework.permissions import BasePermission

from accounts.choices import Role


def is_officer(user) -> bool:
    """Program officers and administrators (federal staff who manage the program)."""
    return bool(user and user.is_authenticated and (
        user.role in (Role.PROGRAM_OFFICER, Role.ADMIN) or user.is_superuser
    ))


class IsProgramOfficer(BasePermission):
    """Allow program officers and administrators only (403 for everyone else signed in)."""

    message = "Only program officers may do this."

    def has_permission(self, request, view) -> bool:
        return is_officer(request.user)
