"""Reads for accounts."""

from .models import Membership, User


def user_organizations(user: User) -> list[dict]:
    return [
        {"id": m.organization_id, "legal_name": m.organization.legal_name, "member_role": m.role}
        for m in Membership.objects.filter(user=user).select_related("organization")
    ]
