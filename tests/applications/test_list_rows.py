"""The application list's fast path: identical to the serializer, stable pages, one statement."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from applications.api.serializers import ApplicationListSerializer
from applications.models import Application
from reviews.models import ReviewAssignment
from tests.factories import ApplicationFactory, UserFactory, aor_of

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


def test_timestamps_keep_the_serializers_zone_offset_and_microseconds(client_for):
    """Winter and summer offsets in the current zone, whole seconds without a fraction."""
    officer = UserFactory(officer=True)
    winter, summer = ApplicationFactory(), ApplicationFactory(status="submitted")
    Application.objects.filter(pk=winter.pk).update(
        created_at=dt.datetime(2026, 1, 15, 17, 4, 5, tzinfo=dt.UTC),
        submitted_at=dt.datetime(2026, 1, 15, 17, 4, 5, 120, tzinfo=dt.UTC))
    Application.objects.filter(pk=summer.pk).update(
        created_at=dt.datetime(2026, 7, 4, 3, 0, 0, 999999, tzinfo=dt.UTC), response_due_at=None)
    listed = {row["id"]: row for row in client_for(officer).get("/api/v1/applications/").json()["results"]}
    assert listed[winter.pk]["created_at"] == "2026-01-15T12:04:05-05:00"
    assert listed[winter.pk]["submitted_at"] == "2026-01-15T12:04:05.000120-05:00"
    assert listed[summer.pk]["created_at"] == "2026-07-03T23:00:00.999999-04:00"
    for app in Application.objects.select_related("opportunity", "organization", "project"):
        assert listed[app.pk] == json.loads(JSONRenderer().render(ApplicationListSerializer(app).data))


@pytest.mark.parametrize("role", ["officer", "member", "reviewer"])
def test_a_page_and_its_count_are_one_statement_at_any_size_and_depth(client_for, role):
    app = ApplicationFactory(status="under_review")
    ApplicationFactory.create_batch(4, organization=app.organization, project=app.project,
                                    opportunity=app.opportunity, status="under_review")
    user = {"officer": lambda: UserFactory(officer=True), "member": lambda: aor_of(app.organization),
            "reviewer": lambda: UserFactory(reviewer=True)}[role]()
    if role == "reviewer":
        for visible in Application.objects.all()[:3]:
            ReviewAssignment.objects.create(application=visible, reviewer=user, due_at="2030-01-01T00:00:00Z",
                                            status="active")
    client = client_for(user)
    for query in ("page_size=2", "page_size=100", "page_size=2&page=2", f"mineral={app.project.minerals.first().pk}"
                  f"&state={app.project.state}&ordering=-federal_amount_requested&page_size=2&page=2"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/applications/?{query}")
        assert response.status_code == 200, response.content
        assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]
    assert response.json()["count"] == (3 if role == "reviewer" else 5)


def test_page_numbers_behave_as_djangos_paginator(client_for):
    officer = client_for(UserFactory(officer=True))
    ApplicationFactory.create_batch(5)
    every = [row["id"] for row in officer.get("/api/v1/applications/?page_size=5").json()["results"]]
    last = officer.get("/api/v1/applications/?page_size=2&page=last").json()
    assert last["count"] == 5 and [row["id"] for row in last["results"]] == every[4:]
    assert last["next"] is None and "page=2" in last["previous"]
    page2 = officer.get("/api/v1/applications/?page_size=2&page=2").json()
    assert [row["id"] for row in page2["results"]] == every[2:4] and "page=3" in page2["next"]
    for bad in ("4", "0", "-1", "abc", "1.5"):
        response = officer.get(f"/api/v1/applications/?page_size=2&page={bad}")
        assert response.status_code == 404 and response.json() == {"detail": "Invalid page.", "code": "not_found"}
    empty = officer.get("/api/v1/applications/?status=awarded").json()
    assert empty == {"count": 0, "next": None, "previous": None, "results": []}
    assert officer.get("/api/v1/applications/?status=awarded&page=2").status_code == 404
    assert officer.get("/api/v1/applications/?status=bogus").status_code == 400


def test_filter_forms_share_one_class_yet_validate_each_request_alone(client_for):
    from django.http import QueryDict

    from applications.api.filters import ApplicationFilter

    officer = client_for(UserFactory(officer=True))
    app = ApplicationFactory(status="submitted")
    ApplicationFactory()
    mineral = app.project.minerals.first()
    bad = officer.get("/api/v1/applications/?status=bogus&mineral=x")
    assert bad.status_code == 400 and {"status", "mineral"} <= set(bad.json())
    assert [r["id"] for r in officer.get(f"/api/v1/applications/?mineral={mineral.pk}&status=submitted")
            .json()["results"]] == [app.pk]
    assert officer.get("/api/v1/applications/").json()["count"] == 2
    first, second = (ApplicationFilter(QueryDict(q), queryset=Application.objects.all())
                     for q in ("status=draft", "status=submitted"))
    assert type(first.form) is type(second.form) and first.form.fields is second.form.fields
    assert first.filters["mineral"].filter.f is first.filters["mineral"] is not second.filters["mineral"]
    assert first.is_valid() and second.is_valid()
    assert (first.form.cleaned_data["status"], second.form.cleaned_data["status"]) == (["draft"], ["submitted"])


def _drf_bytes(response) -> bytes:
    """What DRF's own JSONRenderer writes for the same page (rows as the dicts they stand for)."""
    data = {**response.data, "results": list(response.data["results"])}
    return JSONRenderer().render(data, "application/json", {"indent": None})


@pytest.mark.parametrize("zone", ["America/New_York", "UTC", "Asia/Kolkata"])
def test_the_pre_encoded_page_is_byte_for_byte_what_drf_writes(client_for, settings, zone, monkeypatch):
    """Rows written as JSON text straight from the database (applications.api.list_rows and
    dpa_funding.api.renderers) must equal DRF's output exactly: escapes, nulls, dates, zones
    (half-hour offsets take the slow path), zero and non-zero fractions."""
    from applications.api.list_rows import ApplicationRows

    encoded = []
    real = ApplicationRows.as_json_array
    monkeypatch.setattr(ApplicationRows, "as_json_array", lambda rows: encoded.append(1) or real(rows))
    settings.TIME_ZONE = zone
    officer = UserFactory(officer=True)
    odd = ApplicationFactory(title='Quote " back\\slash \u2028 line\u2029 tab\t \u00e9 \U0001f600 <tag>',
                             summary="", period_start=None, period_end=None,
                             budget_equipment=Decimal("0.00"), budget_indirect=Decimal("12345678.90"))
    plain = ApplicationFactory(status="submitted")
    Application.objects.filter(pk=odd.pk).update(
        created_at=dt.datetime(2026, 3, 8, 6, 59, 59, tzinfo=dt.UTC),
        submitted_at=dt.datetime(2026, 11, 1, 5, 30, 0, 1, tzinfo=dt.UTC), response_due_at=None)
    Application.objects.filter(pk=plain.pk).update(created_at=dt.datetime(2026, 7, 4, 3, 0, 0, tzinfo=dt.UTC))
    client = client_for(officer)
    for query in ("", "?page_size=1", "?page_size=1&page=2", "?status=submitted", "?status=withdrawn"):
        response = client.get("/api/v1/applications/" + query)
        assert response.status_code == 200
        assert response.content == _drf_bytes(response), query
    assert len(encoded) == 5  # every page above took the pre-encoded path
    assert "\\u2028" in client.get("/api/v1/applications/").content.decode()


def test_the_browsable_api_and_indented_json_still_render_through_drf(client_for):
    officer = UserFactory(officer=True)
    ApplicationFactory()
    client = client_for(officer)
    indented = client.get("/api/v1/applications/", HTTP_ACCEPT="application/json; indent=2")
    assert indented.status_code == 200 and indented.content.startswith(b"{\n  ")
    assert json.loads(indented.content) == client.get("/api/v1/applications/").json()
