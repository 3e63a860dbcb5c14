"""Reads for pages: the SAM exclusion panel on the officer's screening and award pages."""

from dpa_funding import policy

from .models import ExclusionCheck
from .services import find


def exclusion_panel(application, user) -> dict | None:
    """The current finding for the applicant and the checks kept with the application;
    None for anyone but federal staff (a possible match is an internal finding)."""
    if not policy.may(user, "staff.read"):
        return None
    organization = application.organization
    return {
        "organization": organization,
        "finding": find(organization),
        "checks": list(ExclusionCheck.objects.filter(application=application)
                       .select_related("extract", "checked_by").order_by("-checked_at", "-id")[:10]),
        "can_clear": policy.may(user, "exclusion.clear", organization),
    }
