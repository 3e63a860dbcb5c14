"""Shared fixtures. Tests run against real PostgreSQL (and Redis for Celery integration)."""

import shutil

import pytest
from rest_framework.test import APIClient

from dpa_funding.celery import app as celery_app


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture
def celery_eager():
    """Run tasks in-process. Celery reads its config once, so set it on the app itself."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for(db):
    """client_for(user) -> an APIClient authenticated as that user (force_authenticate)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def token_for(db):
    """token_for(user) -> the key of a new django-rest-knox API token for that user."""
    from tests.tokens import token_for as make

    return make

