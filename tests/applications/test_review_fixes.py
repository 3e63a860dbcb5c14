"""Regression tests for defects found in review of the applications API."""

import pytest

from applications.models import FundingOpportunity
from tests.applications.test_api_applications import BUDGET, create_body
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
    aor_of,
)

pytestmark = pytest.mark.django_db

MAX_MONEY = "9999999999999.99"  # the largest amount a 15-digit money column holds


def test_application_with_every_budget_class_at_the_maximum_serializes_its_totals(client_for):
    project = ProjectFactory()
    MembershipFactory(organization=project.organization)
    client = client_for(aor_of(project.organization))
    body = create_body(project, OpportunityFactory(), budget={name: MAX_MONEY for name in BUDGET})

    response = client.post("/api/v1/applications/", body, format="json")

    assert response.status_code == 201
    assert response.json()["budget"]["total_direct"] == "79999999999999.92"
    assert response.json()["budget"]["total"] == "89999999999999.91"
    detail = client.get(f"/api/v1/applications/{response.json()['id']}/")
    assert detail.status_code == 200 and detail.json()["budget"]["total"] == "89999999999999.91"


@pytest.mark.parametrize("role", [{}, {"reviewer": True}])
def test_non_officer_writing_an_opportunity_gets_403_even_with_an_invalid_body(client_for, role):
    client = client_for(UserFactory(**role))
    opp = OpportunityFactory()

    created = client.post("/api/v1/opportunities/", {}, format="json")
    patched = client.patch(f"/api/v1/opportunities/{opp.pk}/", {"min_reviewers": 0}, format="json")

    assert created.status_code == 403 and created.json()["code"] == "permission_denied"
    assert patched.status_code == 403 and patched.json()["code"] == "permission_denied"
    assert FundingOpportunity.objects.count() == 1
    assert client.get(f"/api/v1/opportunities/{opp.pk}/").status_code == 200


def test_a_comment_the_applicant_writes_on_submit_is_visible_to_their_organization():
    from applications.selectors import transition_history
    from applications.services import application_transition
    from tests.factories import ApplicationFactory, aor_of

    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    application_transition(application_id=app.pk, name="submit", actor=aor,
                           data={"comment": "Resubmitting with the updated permits."})
    history = transition_history(app, aor)
    assert history[-1]["comment"] == "Resubmitting with the updated permits."


def test_a_uei_taken_between_validation_and_insert_is_a_field_error_not_a_500(monkeypatch):
    from accounts.models import Organization
    from accounts.services import organization_create
    from dpa_funding.errors import ValidationFailed
    from tests.factories import OrganizationFactory, UserFactory

    taken = OrganizationFactory()
    # Simulate the race: validation runs before the other registration commits.
    monkeypatch.setattr(Organization, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(ValidationFailed) as exc:
        organization_create(
            actor=UserFactory(), legal_name="Late Registrant LLC", uei=taken.uei, ein="123456789",
            naics_code="212290", address_line1="1 Main St", city="Reno", state="NV",
            postal_code="89501", congressional_district="NV-002",
        )
    assert "uei" in exc.value.errors


@pytest.mark.parametrize("path", ["/api/v1/organizations/", "/api/v1/projects/"])
def test_staff_creating_applicant_records_get_403_even_with_an_invalid_body(client_for, path):
    from tests.factories import UserFactory

    response = client_for(UserFactory(officer=True)).post(path, {"uei": "not valid"}, format="json")
    assert response.status_code == 403
