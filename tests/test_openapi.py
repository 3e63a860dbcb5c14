"""The OpenAPI schema generates without errors and describes the v1 endpoints truthfully."""

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

OWN_PATHS = [
    "/api/v1/auth/token/", "/api/v1/auth/register/", "/api/v1/auth/me/", "/api/v1/minerals/",
    "/api/v1/organizations/", "/api/v1/organizations/{id}/", "/api/v1/organizations/{id}/members/",
    "/api/v1/projects/", "/api/v1/projects/{id}/", "/api/v1/opportunities/", "/api/v1/opportunities/{id}/",
    "/api/v1/applications/", "/api/v1/applications/{id}/", "/api/v1/applications/{id}/transitions/",
    "/api/v1/applications/{id}/transitions/{name}/", "/api/v1/applications/{id}/history/",
    "/api/v1/applications/{id}/documents/", "/api/v1/documents/{id}/download/",
]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_lists_the_v1_paths(schema):
    missing = [p for p in OWN_PATHS if p not in schema["paths"]]
    assert not missing


def test_error_component_and_status_codes_are_documented(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "code", "unmet"}
    transition = schema["paths"]["/api/v1/applications/{id}/transitions/{name}/"]["post"]
    assert set(transition["responses"]) == {"200", "400", "401", "403", "404", "409", "415", "422", "429"}
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in transition["parameters"])
    upload = schema["paths"]["/api/v1/applications/{id}/documents/"]["post"]
    assert {"413", "415"} <= set(upload["responses"])
    assert "multipart/form-data" in upload["requestBody"]["content"]
    create = schema["paths"]["/api/v1/applications/"]["post"]
    assert "422" in create["responses"]


def test_application_list_is_paginated_and_filterable_in_schema(schema):
    get = schema["paths"]["/api/v1/applications/"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"page", "page_size", "status", "opportunity", "organization", "instrument", "mineral", "state",
            "ordering"} <= names
    assert get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedApplicationListList")


def test_schema_endpoint_serves_and_validates(client_for, tmp_path):
    from tests.factories import UserFactory

    response = client_for(UserFactory()).get("/api/schema/")
    assert response.status_code == 200
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--file", str(out))
    assert out.read_text().startswith("openapi: 3")
