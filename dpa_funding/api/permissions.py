"""DRF permissions that ask the policy. Object visibility is ``restrict()`` (404); what a
visible user may do is ``policy.require`` in the services (403); these classes only refuse
whole endpoints early, before a request body is validated."""

from rest_framework.permissions import BasePermission

from dpa_funding import policy


def allows(action: str) -> type[BasePermission]:
    """A permission class granting ``action`` as the policy does (without an object)."""

    class Allows(BasePermission):
        message = policy.message_for(action)

        def has_permission(self, request, view) -> bool:
            return policy.may(request.user, action)

    Allows.__name__ = Allows.__qualname__ = f"Allows[{action}]"
    return Allows


# Names kept for code written before the policy module (same answers as the policy).
IsProgramOfficer = allows("staff.read")
IsApplicant = allows("organization.create")
