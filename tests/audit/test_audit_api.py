"""GET /api/v1/audit-events/."""

import pytest

from applications.services import application_transition
from audit.models import AuditEvent
from tests.factories import ApplicationFactory, UserFactory, aor_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit-events/"


@pytest.fixture
def submitted():
    app = ApplicationFactory(ready=True)
    application_transition(application_id=app.pk, name="submit", actor=aor_of(app.organization))
    return app


def test_anonymous_gets_401(api_client):
    assert api_client.get(URL).status_code == 401


@pytest.mark.parametrize("traits", [{}, {"reviewer": True}])
def test_applicants_and_reviewers_get_403(client_for, traits, submitted):
    response = client_for(UserFactory(**traits)).get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("traits", [{"officer": True}, {"admin": True}])
def test_officers_and_admins_read_events_oldest_first_paginated(client_for, traits, submitted):
    response = client_for(UserFactory(**traits)).get(URL, {"page_size": 100})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == AuditEvent.objects.count()
    ids = [row["id"] for row in body["results"]]
    assert ids == sorted(ids)
    assert set(body["results"][0]) == {"id", "at", "actor", "object_type", "object_id", "action",
                                       "changes", "prev_hash", "hash"}
    for earlier, later in zip(body["results"], body["results"][1:], strict=False):
        assert later["prev_hash"] == earlier["hash"]


def test_filters_by_object_type_object_id_and_actor(client_for, submitted):
    officer = UserFactory(officer=True)
    aor = aor_of(submitted.organization)
    client = client_for(officer)
    rows = client.get(URL, {"object_type": "applications.application", "object_id": submitted.pk}).json()["results"]
    assert rows and {(r["object_type"], r["object_id"]) for r in rows} == {("applications.application", submitted.pk)}
    assert "submit" in [r["action"] for r in rows]
    by_actor = client.get(URL, {"actor": aor.username}).json()["results"]
    assert by_actor and {r["actor"] for r in by_actor} == {aor.username}
    assert client.get(URL, {"actor": str(aor.pk)}).json()["count"] == len(by_actor)
    assert client.get(URL, {"object_id": "abc"}).status_code == 400


def test_the_browsable_api_is_not_offered(client_for):
    response = client_for(UserFactory(officer=True)).get(URL, HTTP_ACCEPT="text/html")
    assert response.status_code == 406
