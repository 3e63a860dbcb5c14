"""The client's address, believing X-Forwarded-For only as far as configured proxies wrote it.

A client can send any X-Forwarded-For it likes; only the entries appended by our own
proxies (TRUSTED_PROXIES, CIDRs) are facts. Walking the header from the right, the first
address that is not one of our proxies is the client. When the direct peer (REMOTE_ADDR)
is not a trusted proxy, the header is ignored entirely. Sign-in lockouts (django-axes) and
API throttles key on this one answer.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    """The address failed sign-ins and throttles are counted against."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    if not settings.TRUSTED_PROXIES or not _trusted(remote):
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _valid(address):
            # Garbage in the header: everything left of it was written by the client.
            return remote
        if not _trusted(address):
            return address
    return forwarded[0] if forwarded else remote
