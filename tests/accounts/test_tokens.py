"""API tokens (django-rest-knox): stored hashed, a new one at each sign-in, expiring after
API_TOKEN_TTL_HOURS, revoked at logout and at a password change."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/auth/me/"


def _sign_in(username="alice"):
    response = APIClient().post(TOKEN, {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def _client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_token_is_stored_only_as_a_digest():
    UserFactory(username="alice")
    key = _sign_in()["token"]
    row = AuthToken.objects.get()
    assert key not in (row.digest, row.token_key) and len(row.digest) == 128
    assert not AuthToken.objects.filter(digest=key).exists()


def test_each_sign_in_issues_a_new_token():
    UserFactory(username="alice")
    assert _sign_in()["token"] != _sign_in()["token"]


def test_token_expires_after_the_configured_ttl(settings):
    UserFactory(username="alice")
    body = _sign_in()
    expires_at = parse_datetime(body["expires_at"])
    expected = timezone.now() + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert abs((expires_at - expected).total_seconds()) < 60
    assert _client(body["token"]).get(ME).status_code == 200
    with time_machine.travel(expires_at + dt.timedelta(seconds=1)):
        response = _client(body["token"]).get(ME)
    assert response.status_code == 401


def test_logout_revokes_the_token_it_is_called_with():
    UserFactory(username="alice")
    first, second = _sign_in()["token"], _sign_in()["token"]
    assert _client(first).post("/api/v1/auth/logout/").status_code == 204
    assert _client(first).get(ME).status_code == 401
    assert _client(second).get(ME).status_code == 200


def test_logout_needs_authentication():
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_a_password_change_revokes_every_token():
    user = UserFactory(username="alice")
    key = _sign_in()["token"]
    user.set_password("a-brand-new-passphrase-77")
    user.save()
    assert _client(key).get(ME).status_code == 401


def test_other_saves_keep_tokens():
    user = UserFactory(username="alice")
    key = _sign_in()["token"]
    user.first_name = "Alice"
    user.save()
    assert _client(key).get(ME).status_code == 200
