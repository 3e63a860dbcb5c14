"""The API throttle: DRF's sliding window (same decisions, same Retry-After) kept in Redis
as a sorted set updated in one round trip, instead of a pickled history read and written
back on every request."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import UserRateThrottle

from dpa_funding.api.throttling import UserThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def _throttle(cls, clock, rate="3/minute"):
    throttle = cls()
    throttle.rate = rate
    throttle.num_requests, throttle.duration = throttle.parse_rate(rate)
    throttle.timer = clock
    return throttle


def _request(user):
    request = APIRequestFactory().get("/api/v1/minerals/", REMOTE_ADDR="192.0.2.10")
    request.user = user
    return request


def _run(cls, user, steps):
    clock = _Clock(1_000_000.0)
    cache.delete(_throttle(cls, clock).get_cache_key(_request(user), None))
    seen = []
    for advance in steps:
        clock.now += advance
        throttle = _throttle(cls, clock)
        allowed = throttle.allow_request(_request(user), None)
        seen.append((allowed, None if allowed else round(throttle.wait(), 6)))
    return seen


def test_decisions_and_retry_after_equal_drfs_own_throttle():
    steps = [0, 1, 1, 1, 5, 50, 3, 0.5, 0.5, 61, 0, 0, 0]
    ours = _run(UserThrottle, UserFactory(), steps)
    drfs = _run(UserRateThrottle, UserFactory(), steps)
    assert ours == drfs
    assert [allowed for allowed, _ in ours] == [True, True, True, False, False, False, True, True,
                                                True, True, True, True, False]


def test_the_window_is_a_sorted_set_not_a_pickled_history():
    user = UserFactory()
    _run(UserThrottle, user, [0, 1])
    key = cache.make_and_validate_key(UserThrottle().get_cache_key(_request(user), None))
    client = cache._cache.get_client(key)
    assert client.type(key) == b"zset" and client.zcard(key) == 2
    assert 0 < client.ttl(key) <= 60


def test_a_history_left_by_drfs_throttle_is_replaced():
    user = UserFactory()
    key = UserThrottle().get_cache_key(_request(user), None)
    cache.set(key, [999_999.0, 999_998.0], 60)  # DRF's format, e.g. from before a deploy
    throttle = _throttle(UserThrottle, _Clock(1_000_000.0))
    assert throttle.allow_request(_request(user), None) is True
    assert cache._cache.get_client(cache.make_and_validate_key(key)).zcard(cache.make_and_validate_key(key)) == 1
