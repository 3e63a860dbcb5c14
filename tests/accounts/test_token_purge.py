"""Expired API tokens: a request checks only the token it presents (refused with 401 and
deleted once expired) and never sweeps the user's other tokens; the hourly beat task
``accounts.tasks.purge_expired_tokens`` deletes expired tokens, and only those."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.tasks import purge_expired_tokens
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/auth/me/"


def _token(user, expires_in: dt.timedelta | None):
    instance, key = AuthToken.objects.create(user, expiry=dt.timedelta(hours=1))
    expiry = None if expires_in is None else timezone.now() + expires_in
    AuthToken.objects.filter(pk=instance.pk).update(expiry=expiry)
    return instance, key


def _get(key, path=ME):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(path)


def test_the_api_authenticates_with_the_expiry_only_token_class():
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] == (
        "dpa_funding.api.authentication.ExpiringTokenAuthentication")


def test_an_expired_token_is_refused_and_deleted():
    user = UserFactory()
    expired, key = _token(user, -dt.timedelta(seconds=1))
    response = _get(key)
    assert response.status_code == 401
    assert not AuthToken.objects.filter(pk=expired.pk).exists()


def test_a_request_leaves_the_users_other_expired_tokens_to_the_purge():
    user = UserFactory()
    _, key = _token(user, dt.timedelta(hours=1))
    other_expired, _ = _token(user, -dt.timedelta(minutes=5))
    assert _get(key).status_code == 200
    assert AuthToken.objects.filter(pk=other_expired.pk).exists()


def test_authentication_reads_only_the_presented_token():
    user = UserFactory()
    _, key = _token(user, dt.timedelta(hours=1))
    for _ in range(5):
        _token(user, dt.timedelta(hours=1))
    with CaptureQueriesContext(connection) as ctx:
        assert _get(key, "/api/v1/minerals/").status_code == 200
    token_reads = [q["sql"] for q in ctx.captured_queries if AuthToken._meta.db_table in q["sql"]]
    assert len(token_reads) == 1, token_reads


def test_the_purge_task_deletes_only_expired_tokens():
    alice, bob = UserFactory(), UserFactory()
    expired = [_token(alice, -dt.timedelta(seconds=1))[0], _token(bob, -dt.timedelta(days=3))[0]]
    kept = [_token(alice, dt.timedelta(minutes=1))[0], _token(bob, dt.timedelta(hours=12))[0],
            _token(bob, None)[0]]
    purge_expired_tokens.apply()  # as a worker runs it
    assert set(AuthToken.objects.values_list("pk", flat=True)) == {t.pk for t in kept}
    assert not AuthToken.objects.filter(pk__in=[t.pk for t in expired]).exists()
    purge_expired_tokens()  # idempotent: a second run finds nothing more to delete
    assert AuthToken.objects.count() == len(kept)


def test_the_purge_runs_hourly_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-purge-expired-tokens"]
    assert entry["task"] == "accounts.tasks.purge_expired_tokens" and entry["schedule"] == 3600
