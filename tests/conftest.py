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


@pytest.fixture(autouse=True)
def _current_sam_extract(request):
    """``select`` and ``award`` refuse without a SAM exclusions extract imported in the last
    SAM_EXTRACT_MAX_AGE_DAYS (domain.md), so every database test starts with a current, empty
    one; tests of the exclusion rules opt out with ``@pytest.mark.no_sam_extract``."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if request.node.get_closest_marker("no_sam_extract") or (
            marker is None and not names & {"db", "transactional_db", "live_server"}):
        yield
        return
    transactional = "transactional_db" in names or "live_server" in names or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.utils import timezone

    from exclusions.models import SamExtract

    # bulk_create: a test fixture, not an import; it writes no audit event.
    SamExtract.objects.bulk_create([SamExtract(
        file_name="test-current-extract.csv", sha256="0" * 64, rows=0, imported_at=timezone.now(),
        source="command")])
    yield


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

