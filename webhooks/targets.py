"""Where webhooks may be sent, and sending there without being redirected elsewhere.

A webhook URL is chosen by an applicant, so the server must not become a way to reach the
agency's own network (SSRF): cloud metadata services, link-local, loopback and private
addresses are refused unless configured. The host is resolved when the endpoint is saved
AND again at every send, and the request connects to the address that was checked (so a
DNS answer that changes between the check and the connection, "DNS rebinding", cannot
redirect it). Redirects are not followed.

Settings: ``WEBHOOK_ALLOW_LOOPBACK_HTTP`` (tests only: plain HTTP to loopback addresses),
``WEBHOOK_ALLOWED_NETWORKS`` (CIDRs of private ranges that are allowed, e.g. a partner
VPN), ``WEBHOOK_TIMEOUT_SECONDS``.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

# Metadata services answer on link-local or these well-known addresses.
METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                      ipaddress.ip_address("100.100.100.200")}


class TargetRefused(Exception):
    """The URL may not receive webhooks; the message says why (shown to the user)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query
    address: str  # the checked IP address to connect to


def _allowed_networks() -> list:
    return [ipaddress.ip_network(n, strict=False) for n in getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", [])]


def _loopback_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOOPBACK_HTTP", False))


def check_address(address: str) -> None:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES or ip.is_link_local:
        raise TargetRefused(f"{ip} is a link-local or metadata address.")
    if ip.is_loopback:
        if _loopback_allowed():
            return
        raise TargetRefused(f"{ip} is a loopback address.")
    if any(ip in network for network in _allowed_networks()):
        return
    if ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_unspecified or not ip.is_global:
        raise TargetRefused(f"{ip} is a private or reserved address.")


def resolve(url: str) -> Target:
    """Check the URL and every address its host resolves to; return the target to connect to."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    if scheme not in ("https", "http"):
        raise TargetRefused("The URL must start with https://.")
    if not parts.hostname:
        raise TargetRefused("The URL has no host.")
    if parts.username or parts.password:
        raise TargetRefused("The URL must not contain credentials.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise TargetRefused("The URL's port is not valid.") from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"The host {parts.hostname} does not resolve.") from exc
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:  # every answer must be acceptable, not just the first
        check_address(address)
    if scheme == "http" and not (_loopback_allowed() and all(ipaddress.ip_address(a).is_loopback
                                                              for a in addresses)):
        raise TargetRefused("The URL must start with https://.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=scheme, host=parts.hostname, port=port, path=path, address=addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; the certificate is verified against the host name."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to ``url`` (resolved and checked now); return the HTTP status code.
    Raises TargetRefused, or OSError / http.client.HTTPException on network failures."""
    target = resolve(url)
    timeout = getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10)
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = cls(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # drain a little; the body is not used
        return response.status
    finally:
        connection.close()
