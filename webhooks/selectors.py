"""Reads for webhooks: what a user may see (the endpoints of organizations they represent)."""

from accounts.choices import MemberRole
from accounts.models import Membership

from .models import WebhookDelivery, WebhookEndpoint


def _managed_organization_ids(user):
    return Membership.objects.filter(user=user, role=MemberRole.AUTHORIZED_REPRESENTATIVE).values(
        "organization_id")


def endpoints_visible_to(user):
    if not (user and user.is_authenticated):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(organization_id__in=_managed_organization_ids(user)).select_related(
        "organization")


def deliveries_visible_to(user):
    if not (user and user.is_authenticated):
        return WebhookDelivery.objects.none()
    return WebhookDelivery.objects.filter(
        endpoint__organization_id__in=_managed_organization_ids(user)).select_related("endpoint")
