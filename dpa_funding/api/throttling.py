"""DRF throttles keyed on the trusted client address (dpa_funding.client_ip), not on DRF's
own reading of X-Forwarded-For, which with NUM_PROXIES unset is whatever the client sent.
Counts live in the shared cache (Redis), so every worker process sees the same totals."""

import logging

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from dpa_funding.client_ip import client_ip

log = logging.getLogger(__name__)


class ClientAddressMixin:
    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        # A Redis outage must not take the API down with it: the request goes through
        # unthrottled and the outage is logged (sign-in lockouts are in the database).
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - redis-py's errors vary with the failure
            log.warning("Throttle cache unavailable; request not throttled", exc_info=True)
            return True


class AnonThrottle(ClientAddressMixin, AnonRateThrottle):
    pass


class UserThrottle(ClientAddressMixin, UserRateThrottle):
    pass
