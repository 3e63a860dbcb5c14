"""DRF throttles keyed on the trusted client address (dpa_funding.client_ip), not on DRF's
own reading of X-Forwarded-For, which with NUM_PROXIES unset is whatever the client sent.
Counts live in the shared cache (Redis), so every worker process sees the same totals.

DRF's own throttle reads the client's whole request history (a pickled list of up to
``num_requests`` timestamps) and writes it back: two round trips and a list the size of the
rate on every request. With Redis the same sliding window is a sorted set updated by one
Lua script, in one round trip: identical decisions and Retry-After, nothing to unpickle.
Other caches (a broker-less ``make run``) keep DRF's implementation.
"""

import logging
import os

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from dpa_funding.client_ip import client_ip

log = logging.getLogger(__name__)

# KEYS[1] the client's key; ARGV now, duration, num_requests, a unique member. Drops
# timestamps older than the window (DRF: history[-1] <= now - duration), refuses when
# num_requests remain, else records now. Returns {allowed, count, oldest timestamp}.
_SLIDING_WINDOW = """
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'zset' and kind ~= 'none' then redis.call('DEL', KEYS[1]) end
local now, duration, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, count, oldest[2] or ARGV[1]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(duration))
return {1, count + 1, ARGV[1]}
"""


class ClientAddressMixin:
    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        # A Redis outage must not take the API down with it: the request goes through
        # unthrottled and the outage is logged (sign-in lockouts are in the database).
        try:
            backend = caches[DEFAULT_CACHE_ALIAS] if self.cache is default_cache else self.cache
            if not isinstance(backend, RedisCache):
                return super().allow_request(request, view)
            return self._allow_in_redis(backend, request, view)
        except Exception:  # noqa: BLE001 - redis-py's errors vary with the failure
            log.warning("Throttle cache unavailable; request not throttled", exc_info=True)
            return True

    def _allow_in_redis(self, backend: RedisCache, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        key = backend.make_and_validate_key(self.key)  # the prefix and version of cache.get/set
        client = backend._cache.get_client(key, write=True)
        self.now = self.timer()
        allowed, self._count, oldest = client.eval(
            _SLIDING_WINDOW, 1, key, repr(self.now), self.duration, self.num_requests,
            f"{self.now!r}:{os.urandom(6).hex()}")
        self._oldest = float(oldest)
        return bool(allowed)

    def wait(self):
        """DRF's Retry-After from the window the script saw: the oldest request's expiry,
        spread over the requests that will then be available."""
        if not hasattr(self, "_count"):
            return super().wait()
        remaining = self.duration - (self.now - self._oldest) if self._count else self.duration
        available = self.num_requests - self._count + 1
        return None if available <= 0 else remaining / float(available)


class AnonThrottle(ClientAddressMixin, AnonRateThrottle):
    pass


class UserThrottle(ClientAddressMixin, UserRateThrottle):
    pass
