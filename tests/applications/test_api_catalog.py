"""Minerals, projects and opportunities over the API."""

import pytest

from applications.models import FundingOpportunity, Mineral, Project
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
    aor_of,
)

pytestmark = pytest.mark.django_db


def org_with_aor():
    org = OrganizationFactory()
    MembershipFactory(organization=org)
    return org


def test_minerals_are_listed_paginated_with_reference_fields(client_for):
    response = client_for(UserFactory(reviewer=True)).get("/api/v1/minerals/?page_size=5")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == Mineral.objects.count() > 5 and len(body["results"]) == 5
    assert set(body["results"][0]) == {"id", "name", "symbol", "group", "usgs_2022", "usgs_2025", "eo_14241_named"}


def test_minerals_require_authentication(api_client):
    assert api_client.get("/api/v1/minerals/").status_code == 401


def project_body(org, **overrides):
    body = {"organization": org.pk, "name": "Thacker Pass", "facility_type": "mine", "stage": "permitting",
            "minerals": [Mineral.objects.get(name="lithium").pk], "state": "NV", "county": "Humboldt",
            "latitude": "41.706000", "longitude": "-118.056000", "annual_capacity_tonnes": "40000.00",
            "on_military_installation": False, "description": "Open-pit lithium clay mine."}
    body.update(overrides)
    return body


def test_member_creates_and_edits_a_project(client_for):
    org = org_with_aor()
    client = client_for(aor_of(org))
    response = client.post("/api/v1/projects/", project_body(org), format="json")
    assert response.status_code == 201, response.json()
    project = Project.objects.get(pk=response.json()["id"])
    assert project.organization == org and list(project.minerals.values_list("name", flat=True)) == ["lithium"]

    cobalt = Mineral.objects.get(name="cobalt")
    response = client.patch(f"/api/v1/projects/{project.pk}/", {"stage": "construction", "minerals": [cobalt.pk]},
                            format="json")
    assert response.status_code == 200
    assert response.json()["stage"] == "construction" and response.json()["minerals"] == [cobalt.pk]


def test_project_for_an_organization_the_user_cannot_see_is_rejected_without_revealing_it(client_for):
    other = org_with_aor()
    response = client_for(UserFactory()).post("/api/v1/projects/", project_body(other), format="json")
    assert response.status_code == 400 and "organization" in response.json()
    assert not Project.objects.exists()


def test_project_latitude_out_of_range_is_a_field_error(client_for):
    org = org_with_aor()
    response = client_for(aor_of(org)).post("/api/v1/projects/", project_body(org, latitude="95.000000"), format="json")
    assert response.status_code == 400 and "latitude" in response.json()


def test_project_visibility_and_officer_read_only(client_for):
    a, b = ProjectFactory(), ProjectFactory()
    MembershipFactory(organization=a.organization)
    MembershipFactory(organization=b.organization)
    member = client_for(aor_of(a.organization))
    assert [p["id"] for p in member.get("/api/v1/projects/").json()["results"]] == [a.pk]
    assert member.get(f"/api/v1/projects/{b.pk}/").status_code == 404
    assert member.patch(f"/api/v1/projects/{b.pk}/", {"name": "x"}, format="json").status_code == 404
    officer = client_for(UserFactory(officer=True))
    assert officer.get("/api/v1/projects/").json()["count"] == 2
    assert officer.patch(f"/api/v1/projects/{a.pk}/", {"name": "x"}, format="json").status_code == 403


def test_project_organization_cannot_be_changed(client_for):
    project = ProjectFactory()
    MembershipFactory(organization=project.organization)
    aor = aor_of(project.organization)
    other = OrganizationFactory()
    MembershipFactory(organization=other, user=aor)
    response = client_for(aor).patch(f"/api/v1/projects/{project.pk}/", {"organization": other.pk}, format="json")
    assert response.status_code == 400 and "organization" in response.json()


def opportunity_body(**overrides):
    body = {
        "number": "FA8650-26-S-0999", "title": "Rare earth separation", "description": "NOFO text",
        "instruments": ["grant", "loan"], "opens_at": "2026-01-05T09:00:00-05:00",
        "closes_at": "2026-03-31T17:00:00-04:00", "budget_ceiling": "250000000.00", "max_award": "50000000.00",
        "min_cost_share_percent": "50.00", "eligible_minerals": [Mineral.objects.get(name="neodymium").pk],
        "min_reviewers": 3, "credit_subsidy_rate_percent": "12.50",
        "rubric": [
            {"name": "Technical merit", "description": "", "weight": 60, "allows_na": False},
            {"name": "Community benefits", "description": "Jobs", "weight": 40, "allows_na": True},
        ],
    }
    body.update(overrides)
    return body


def test_officer_creates_opportunity_with_rubric_ids_returned(client_for):
    response = client_for(UserFactory(officer=True)).post("/api/v1/opportunities/", opportunity_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["budget_ceiling"] == "250000000.00" and body["instruments"] == ["grant", "loan"]
    opp = FundingOpportunity.objects.get(pk=body["id"])
    assert [(c["id"], c["name"], c["weight"], c["allows_na"]) for c in body["rubric"]] == [
        (c.pk, c.name, c.weight, c.allows_na) for c in opp.rubric.all()
    ]


def test_rubric_weights_must_sum_to_100(client_for):
    body = opportunity_body(rubric=[{"name": "A", "weight": 60}, {"name": "B", "weight": 30}])
    response = client_for(UserFactory(officer=True)).post("/api/v1/opportunities/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "sum to 100" in response.json()["rubric"][0]
    assert not FundingOpportunity.objects.exists()


def test_opportunity_window_and_max_award_are_field_errors(client_for):
    client = client_for(UserFactory(officer=True))
    response = client.post("/api/v1/opportunities/", opportunity_body(closes_at="2025-01-01T00:00:00Z"), format="json")
    assert response.status_code == 400 and "closes_at" in response.json()
    response = client.post("/api/v1/opportunities/", opportunity_body(max_award="300000000.00"), format="json")
    assert response.status_code == 400 and "max_award" in response.json()


@pytest.mark.parametrize("kind", ["applicant", "reviewer"])
def test_only_officers_write_opportunities(client_for, kind):
    user = UserFactory(reviewer=True) if kind == "reviewer" else UserFactory()
    opp = OpportunityFactory()
    client = client_for(user)
    assert client.post("/api/v1/opportunities/", opportunity_body(), format="json").status_code == 403
    assert client.patch(f"/api/v1/opportunities/{opp.pk}/", {"title": "x"}, format="json").status_code == 403
    assert client.get(f"/api/v1/opportunities/{opp.pk}/").status_code == 200


def test_officer_updates_opportunity_and_rubric(client_for):
    opp = OpportunityFactory()
    response = client_for(UserFactory(officer=True)).patch(f"/api/v1/opportunities/{opp.pk}/", {
        "title": "Updated", "rubric": [{"name": "Only", "weight": 100}]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Updated"
    assert [c["name"] for c in response.json()["rubric"]] == ["Only"]
    assert list(opp.rubric.values_list("weight", flat=True)) == [100]


def test_opportunity_list_is_readable_by_any_authenticated_user(client_for):
    OpportunityFactory.create_batch(2)
    body = client_for(UserFactory()).get("/api/v1/opportunities/").json()
    assert body["count"] == 2 and len(body["results"][0]["rubric"]) == 4
