"""The application list's fast path: identical to the serializer, stable pages, lean SQL."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from applications.api.serializers import ApplicationListSerializer
from applications.models import Application
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_list_rows_equal_the_serializer_field_for_field(client_for):
    officer = UserFactory(officer=True)
    ApplicationFactory(budget_equipment=Decimal("1234567.89"), budget_indirect=Decimal("10.50"))
    ApplicationFactory(status="submitted", period_start=None, period_end=None)
    response = client_for(officer).get("/api/v1/applications/")
    assert response.status_code == 200
    listed = {row["id"]: row for row in response.json()["results"]}
    assert len(listed) == 2
    for app in Application.objects.select_related("opportunity", "organization", "project"):
        expected = json.loads(JSONRenderer().render(ApplicationListSerializer(app).data))
        assert listed[app.pk] == expected


@pytest.mark.parametrize("ordering", ["federal_amount_requested", "-federal_amount_requested",
                                      "submitted_at", "-created_at"])
def test_pages_of_equal_sort_keys_neither_repeat_nor_skip(client_for, ordering):
    officer = UserFactory(officer=True)
    first = ApplicationFactory(federal_amount_requested=Decimal("5000000.00"), status="submitted")
    for _ in range(6):
        ApplicationFactory(federal_amount_requested=Decimal("5000000.00"), status="submitted",
                           opportunity=first.opportunity)
    Application.objects.update(submitted_at=first.submitted_at, created_at=first.created_at)
    seen = []
    for page in (1, 2, 3, 4):
        response = client_for(officer).get(f"/api/v1/applications/?ordering={ordering}&page_size=2&page={page}")
        assert response.status_code == 200
        seen += [row["id"] for row in response.json()["results"]]
    assert sorted(seen) == sorted(Application.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 7


def test_filtered_counts_use_no_distinct(client_for):
    officer = UserFactory(officer=True)
    app = ApplicationFactory(status="submitted")
    mineral = app.project.minerals.first()
    client = client_for(officer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/applications/?status=submitted&status=draft&mineral={mineral.pk}"
                              f"&state={app.project.state}")
    assert response.status_code == 200 and response.json()["count"] == 1
    assert not [q["sql"] for q in ctx.captured_queries if "DISTINCT" in q["sql"].upper()]


def test_member_sees_each_application_once_without_distinct(client_for):
    app = ApplicationFactory()
    member = app.organization.memberships.first().user
    with CaptureQueriesContext(connection) as ctx:
        response = client_for(member).get("/api/v1/applications/")
    assert [row["id"] for row in response.json()["results"]] == [app.pk]
    assert not [q["sql"] for q in ctx.captured_queries if "DISTINCT" in q["sql"].upper()]
