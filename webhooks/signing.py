"""Delivery signatures. This module is the reference implementation quoted in
docs/integrating.md; receivers verify with the same few lines.

Header: ``X-DPA-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>``.
Receivers recompute the HMAC over the raw body bytes, compare in constant time, and refuse
timestamps more than ``TOLERANCE_SECONDS`` away from their clock (replay window).
"""

import hashlib
import hmac
import time

HEADER = "X-DPA-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The header value for ``body``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = TOLERANCE_SECONDS,
           now: float | None = None) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` within the replay window."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, value) for key, value in
               (item.split("=", 1) for item in header.split(",")) if key == "v1")
