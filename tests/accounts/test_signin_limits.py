"""Failed sign-ins are limited (django-axes) on the web login, /admin/login/ and the token
endpoint alike: 5 failures per account or per client address, then 429 for the cool-off,
even with the right password. The client address is the trusted one, never a header the
client chose. Turning the protection off (AXES_ENABLED=False) fails these tests."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from dpa_funding.api.throttling import AnonThrottle
from dpa_funding.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
ROOT = Path(__file__).resolve().parents[2]


def _fail_web(client, username, n=5, path="/accounts/login/", **extra):
    for _ in range(n):
        response = client.post(path, {"username": username, "password": "wrong-password-123"}, **extra)
        assert response.status_code in (200, 429)


def test_web_login_locks_the_account_after_five_failures(client):
    UserFactory(username="alice")
    _fail_web(client, "alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out


def test_four_failures_do_not_lock(client):
    UserFactory(username="alice")
    _fail_web(client, "alice", n=4)
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_admin_login_is_limited_too(client):
    UserFactory(username="root", admin=True)
    _fail_web(client, "root", path="/admin/login/")
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_token_endpoint_answers_429_locked_out_with_retry_after():
    UserFactory(username="alice")
    api = APIClient()
    for _ in range(5):
        assert api.post(TOKEN, {"username": "alice", "password": "wrong-password-123"}).status_code in (400, 429)
    response = api.post(TOKEN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert 0 < int(response["Retry-After"]) <= 15 * 60


def test_the_account_is_locked_from_every_address():
    UserFactory(username="alice")
    for n in range(5):
        APIClient(REMOTE_ADDR=f"198.51.100.{n + 1}").post(
            TOKEN, {"username": "alice", "password": "wrong-password-123"})
    response = APIClient(REMOTE_ADDR="203.0.113.50").post(TOKEN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429


def test_an_address_guessing_many_accounts_is_locked_out(client):
    UserFactory(username="victim")
    for n in range(5):
        client.post("/accounts/login/", {"username": f"nobody{n}", "password": "wrong-password-123"})
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429


def test_a_forged_forwarded_for_header_does_not_reset_the_count():
    """Without trusted proxies X-Forwarded-For is ignored: rotating it changes nothing."""
    UserFactory(username="victim")
    api = APIClient()
    for n in range(5):
        api.post(TOKEN, {"username": f"nobody{n}", "password": "wrong-password-123"},
                 HTTP_X_FORWARDED_FOR=f"10.9.8.{n}")
    response = api.post(TOKEN, {"username": "victim", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.8.200")
    assert response.status_code == 429


def test_client_address_comes_from_trusted_proxies_only(settings):
    rf = RequestFactory()
    settings.TRUSTED_PROXIES = []
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "10.0.0.5"
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The proxy appended the real peer; what the client wrote to the left is not believed.
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
    # A peer that is not our proxy is the client, whatever it claims.
    assert client_ip(rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "198.51.100.7"


def test_api_throttle_keys_on_the_trusted_address_not_the_header(settings):
    """Rotating X-Forwarded-For used to give every request a fresh anonymous budget."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "3/minute"}}
    rf = RequestFactory()
    throttle_results = []
    for n in range(5):
        request = rf.get("/api/v1/minerals/", REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}")
        request.user = type("Anon", (), {"is_authenticated": False})()
        throttle = AnonThrottle()
        throttle.rate = "3/minute"
        throttle.num_requests, throttle.duration = throttle.parse_rate(throttle.rate)
        throttle.cache.delete(throttle.get_cache_key(request, None)) if n == 0 else None
        throttle_results.append(throttle.allow_request(request, None))
    assert throttle_results == [True, True, True, False, False]


def test_throttle_counts_are_shared_between_processes(settings):
    """The cache is Redis: a count written by another process is seen here."""
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    from django.core.cache import cache

    cache.delete("shared-probe")
    subprocess.run([sys.executable, "-c",
                    "import django; django.setup(); from django.core.cache import cache; "
                    "cache.set('shared-probe', 42, 60)"],
                   cwd=ROOT, check=True, timeout=120,
                   env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "dpa_funding.settings.test"})
    assert cache.get("shared-probe") == 42
    cache.delete("shared-probe")
