"""api.md conventions: JSON-only bodies (415 otherwise), every field error in one 400."""

import json

import pytest

from applications.models import Application
from tests.factories import (
    ApplicationFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
    aor_of,
)

pytestmark = pytest.mark.django_db


def _application_body(app_like):
    return {
        "opportunity": app_like.opportunity_id, "organization": app_like.organization_id,
        "project": app_like.project_id, "title": "Antimony smelter restart", "instrument": "grant",
        "federal_amount_requested": "1000000.00", "cost_share_amount": "1000000.00",
        "period_start": "2027-01-01", "period_end": "2028-12-31", "summary": "Restart.",
        "budget": {"personnel": "2000000.00"},
    }


def test_multipart_body_with_a_nested_budget_is_refused_with_415_and_creates_nothing(client_for):
    template = ApplicationFactory()
    client = client_for(aor_of(template.organization))
    body = _application_body(template)
    before = Application.objects.count()
    response = client.post("/api/v1/applications/", {**body, "budget": json.dumps(body["budget"])},
                           format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert Application.objects.count() == before
    # The same body as JSON is taken whole, budget included.
    created = client.post("/api/v1/applications/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["budget"]["personnel"] == "2000000.00"


def test_form_encoded_bodies_are_refused_on_json_endpoints(client_for):
    client = client_for(UserFactory())
    response = client.generic("POST", "/api/v1/organizations/", "legal_name=Acme",
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_organization_400_lists_serializer_and_service_errors_together(client_for):
    body = {"legal_name": "", "uei": "0BADUEI", "ein": "12-34", "naics_code": "212290",
            "address_line1": "1 Main St", "city": "Reno", "state": "NV", "postal_code": "89501"}
    response = client_for(UserFactory()).post("/api/v1/organizations/", body)
    assert response.status_code == 400
    errors = response.json()
    # legal_name fails in the serializer; the UEI and EIN formats only in the service.
    assert {"legal_name", "uei", "ein"} <= set(errors), errors
    assert errors["code"] == "invalid"


def test_register_reports_a_bad_email_and_a_weak_password_at_once(api_client):
    UserFactory(username="taken")
    response = api_client.post("/api/v1/auth/register/",
                               {"username": "taken", "email": "not-an-email", "password": "short"})
    assert response.status_code == 400
    assert {"username", "email", "password"} <= set(response.json()), response.json()


def test_application_400_lists_type_errors_and_rule_errors_together(client_for):
    template = ApplicationFactory()
    other_project = ProjectFactory()  # belongs to another organization
    body = {**_application_body(template), "project": other_project.pk, "title": "",
            "federal_amount_requested": "-5"}
    response = client_for(aor_of(template.organization)).post("/api/v1/applications/", body)
    assert response.status_code == 400
    errors = response.json()
    assert "title" in errors and "federal_amount_requested" in errors
    assert "project" in errors, errors  # a rule of the service, not of the serializer


def test_opportunity_400_lists_rubric_and_date_errors_together(client_for):
    opp = OpportunityFactory.build()
    body = {"number": "", "title": "Lithium", "description": "x", "instruments": ["grant"],
            "opens_at": "2027-02-01T17:00:00-05:00", "closes_at": "2027-01-01T17:00:00-05:00",
            "budget_ceiling": "1000.00", "max_award": "5000.00", "min_cost_share_percent": "50.00",
            "min_reviewers": 3, "credit_subsidy_rate_percent": str(opp.credit_subsidy_rate_percent),
            "rubric": [{"name": "Merit", "weight": 60}]}
    response = client_for(UserFactory(officer=True)).post("/api/v1/opportunities/", body)
    assert response.status_code == 400
    assert {"number", "rubric", "closes_at", "max_award"} <= set(response.json()), response.json()


def test_valid_input_after_a_failed_dry_run_writes_exactly_once(client_for):
    template = ApplicationFactory()
    client = client_for(aor_of(template.organization))
    before = Application.objects.count()
    assert client.post("/api/v1/applications/", {**_application_body(template), "title": ""}).status_code == 400
    assert Application.objects.count() == before  # the dry run rolled back
    assert client.post("/api/v1/applications/", _application_body(template)).status_code == 201
    assert Application.objects.count() == before + 1
