"""Reads for webhooks: what a user may see (the endpoints of organizations they represent,
as dpa_funding.policy scopes them)."""

from .models import WebhookDelivery, WebhookEndpoint


def endpoints_visible_to(user):
    return WebhookEndpoint.objects.restrict(user).select_related("organization")


def deliveries_visible_to(user):
    return WebhookDelivery.objects.restrict(user).select_related("endpoint")
