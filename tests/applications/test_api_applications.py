"""Applications over the API: create, list (filters, ordering, pagination, query count),
detail, edit and the visibility matrix."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import MemberRole
from applications.choices import ApplicationStatus
from applications.models import Application, Mineral
from reviews.models import ReviewAssignment
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    MembershipFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
    aor_of,
)

pytestmark = pytest.mark.django_db

BUDGET = {"personnel": "1500000.00", "fringe": "0", "travel": "0", "equipment": "12000000.00", "supplies": "0",
          "contractual": "0", "construction": "6000000.00", "other": "0", "indirect": "500000.00"}


def create_body(project, opportunity, **overrides):
    body = {"opportunity": opportunity.pk, "organization": project.organization_id, "project": project.pk,
            "title": "Lithium hydroxide plant", "instrument": "grant",
            "federal_amount_requested": "10000000.00", "cost_share_amount": "10000000.00",
            "period_start": "2027-01-01", "period_end": "2029-12-31", "summary": "Build it.", "budget": BUDGET}
    body.update(overrides)
    return body


@pytest.fixture
def project():
    project = ProjectFactory()
    MembershipFactory(organization=project.organization)
    return project


def test_member_creates_a_draft_with_budget_and_totals(client_for, project):
    opp = OpportunityFactory()
    response = client_for(aor_of(project.organization)).post("/api/v1/applications/", create_body(project, opp),
                                                              format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["budget"] == {**{k: f"{Decimal(v):.2f}" for k, v in BUDGET.items()},
                              "total_direct": "19500000.00", "total": "20000000.00"}
    assert body["total_project_cost"] == "20000000.00"
    assert body["available_transitions"] == ["submit", "withdraw"]
    app = Application.objects.get(pk=body["id"])
    assert app.budget_equipment == Decimal("12000000.00") and app.created_by == aor_of(project.organization)


def test_create_rejects_foreign_organization_and_project_without_revealing_them(client_for, project):
    outsider = UserFactory()
    response = client_for(outsider).post("/api/v1/applications/", create_body(project, OpportunityFactory()),
                                         format="json")
    assert response.status_code == 400
    assert {"organization", "project"} <= set(response.json())
    assert not Application.objects.exists()


def test_create_rejects_project_of_another_organization(client_for, project):
    other = ProjectFactory()
    MembershipFactory(organization=other.organization, user=aor_of(project.organization))
    body = create_body(other, OpportunityFactory(), organization=project.organization_id)
    response = client_for(aor_of(project.organization)).post("/api/v1/applications/", body, format="json")
    assert response.status_code == 400 and "project" in response.json()


def test_create_rejects_negative_budget_as_field_error(client_for, project):
    body = create_body(project, OpportunityFactory(), budget={**BUDGET, "travel": "-1.00"})
    response = client_for(aor_of(project.organization)).post("/api/v1/applications/", body, format="json")
    assert response.status_code == 400 and "travel" in response.json()["budget"]


def test_list_filters_and_ordering(client_for):
    officer = client_for(UserFactory(officer=True))
    lithium, cobalt = Mineral.objects.get(name="lithium"), Mineral.objects.get(name="cobalt")
    opp = OpportunityFactory()
    a = ApplicationFactory(opportunity=opp, federal_amount_requested=Decimal("3000000"))
    b = ApplicationFactory(instrument="loan", federal_amount_requested=Decimal("1000000"),
                           project__minerals=[cobalt], project__state="WY", status=ApplicationStatus.SUBMITTED)
    c = ApplicationFactory(opportunity=opp, federal_amount_requested=Decimal("2000000"), project__minerals=[lithium, cobalt],
                           status=ApplicationStatus.SCREENING)

    def ids(query):
        response = officer.get(f"/api/v1/applications/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("status=submitted") == [b.pk]
    assert set(ids("status=submitted&status=screening")) == {b.pk, c.pk}
    assert set(ids(f"opportunity={opp.pk}")) == {a.pk, c.pk}
    assert ids(f"organization={b.organization_id}") == [b.pk]
    assert ids("instrument=loan") == [b.pk]
    assert set(ids(f"mineral={cobalt.pk}")) == {b.pk, c.pk}
    assert ids(f"mineral={cobalt.pk}&ordering=federal_amount_requested") == [b.pk, c.pk]
    assert ids("state=WY") == [b.pk]
    assert ids("ordering=federal_amount_requested") == [b.pk, c.pk, a.pk]
    assert ids("ordering=-federal_amount_requested") == [a.pk, c.pk, b.pk]
    assert ids("ordering=created_at") == [a.pk, b.pk, c.pk]
    assert officer.get("/api/v1/applications/?status=bogus").status_code == 400


def test_pagination_shape_and_page_size_cap(client_for):
    opp = OpportunityFactory()
    project = ProjectFactory()
    ApplicationFactory.create_batch(3, opportunity=opp, project=project, organization=project.organization)
    officer = client_for(UserFactory(officer=True))
    body = officer.get("/api/v1/applications/?page_size=2").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2 and body["previous"] is None
    assert "page=2" in body["next"]
    page2 = officer.get(body["next"]).json()
    assert len(page2["results"]) == 1 and page2["next"] is None and page2["previous"]

    Application.objects.bulk_create([
        Application(opportunity=opp, organization=project.organization, project=project, title=f"A{i}",
                    instrument="grant", federal_amount_requested=Decimal("1")) for i in range(120)
    ])
    body = officer.get("/api/v1/applications/?page_size=500").json()
    assert body["count"] == 123 and len(body["results"]) == 100
    assert len(officer.get("/api/v1/applications/").json()["results"]) == 25


@pytest.mark.parametrize("role", ["officer", "member"])
def test_list_query_count_does_not_grow_with_rows(client_for, role):
    project = ProjectFactory()
    MembershipFactory(organization=project.organization)
    opp = OpportunityFactory()
    user = UserFactory(officer=True) if role == "officer" else aor_of(project.organization)
    client = client_for(user)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/applications/?page_size=100")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    ApplicationFactory.create_batch(3, opportunity=opp, project=project, organization=project.organization)
    few = count_queries()
    ApplicationFactory.create_batch(27, opportunity=OpportunityFactory(), project=project,
                                    organization=project.organization)
    many = count_queries()
    assert (few[1], many[1]) == (3, 30)
    assert few[0] == many[0] <= 3


def test_detail_has_status_budget_and_user_specific_transitions(client_for):
    app = ApplicationFactory(ready=True)
    contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    aor_body = client_for(aor_of(app.organization)).get(f"/api/v1/applications/{app.pk}/").json()
    assert aor_body["status"] == "draft" and aor_body["available_transitions"] == ["submit", "withdraw"]
    assert aor_body["budget"]["total"] == "20000000.00" and aor_body["total_project_cost"] == "20000000.00"
    assert client_for(contributor).get(f"/api/v1/applications/{app.pk}/").json()["available_transitions"] == []
    officer_body = client_for(UserFactory(officer=True)).get(f"/api/v1/applications/{app.pk}/").json()
    assert officer_body["available_transitions"] == []


def test_member_edits_draft_including_partial_budget(client_for):
    app = ApplicationFactory()
    contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    response = client_for(contributor).patch(f"/api/v1/applications/{app.pk}/", {
        "title": "Renamed", "budget": {"travel": "25000.00"}}, format="json")
    assert response.status_code == 200, response.json()
    app.refresh_from_db()
    assert app.title == "Renamed" and app.budget_travel == Decimal("25000.00")
    assert app.budget_equipment == Decimal("12000000.00")  # untouched classes keep their values
    assert response.json()["budget"]["total"] == "20025000.00"


@pytest.mark.parametrize("status", [ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENING])
def test_edit_outside_draft_or_revision_is_409(client_for, status):
    app = ApplicationFactory(status=status)
    response = client_for(aor_of(app.organization)).patch(f"/api/v1/applications/{app.pk}/", {"title": "x"},
                                                           format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_edit_in_revision_requested_is_allowed(client_for):
    app = ApplicationFactory(status=ApplicationStatus.REVISION_REQUESTED)
    response = client_for(aor_of(app.organization)).patch(f"/api/v1/applications/{app.pk}/", {"summary": "v2"},
                                                           format="json")
    assert response.status_code == 200 and response.json()["summary"] == "v2"


def test_opportunity_and_organization_cannot_be_changed_by_patch(client_for):
    app = ApplicationFactory()
    response = client_for(aor_of(app.organization)).patch(f"/api/v1/applications/{app.pk}/",
                                                           {"opportunity": OpportunityFactory().pk}, format="json")
    assert response.status_code == 400 and "opportunity" in response.json()


def test_officer_reads_but_cannot_edit(client_for):
    app = ApplicationFactory()
    officer = client_for(UserFactory(officer=True))
    assert officer.get(f"/api/v1/applications/{app.pk}/").status_code == 200
    assert officer.patch(f"/api/v1/applications/{app.pk}/", {"title": "x"}, format="json").status_code == 403


def test_applicant_of_org_a_gets_404_for_everything_of_org_b(client_for):
    mine = ApplicationFactory(ready=True)
    theirs = ApplicationFactory(ready=True)
    doc = DocumentFactory(application=theirs)
    client = client_for(aor_of(mine.organization))
    base = f"/api/v1/applications/{theirs.pk}"
    assert [r["id"] for r in client.get("/api/v1/applications/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/applications/?organization={theirs.organization_id}").json()["count"] == 0
    for response in (
        client.get(f"{base}/"),
        client.patch(f"{base}/", {"title": "hijack"}, format="json"),
        client.get(f"{base}/transitions/"),
        client.post(f"{base}/transitions/withdraw/", {}, format="json"),
        client.get(f"{base}/history/"),
        client.get(f"{base}/documents/"),
        client.get(f"/api/v1/documents/{doc.pk}/download/"),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.title != "hijack" and theirs.status == ApplicationStatus.DRAFT


def test_reviewer_sees_only_active_assignments(client_for):
    reviewer = UserFactory(reviewer=True)
    client = client_for(reviewer)
    pending = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    active = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    assert client.get("/api/v1/applications/").json()["count"] == 0
    ReviewAssignment.objects.create(application=pending, reviewer=reviewer, due_at="2030-01-01T00:00:00Z")
    ReviewAssignment.objects.create(application=active, reviewer=reviewer, due_at="2030-01-01T00:00:00Z",
                                    status="active")
    assert [r["id"] for r in client.get("/api/v1/applications/").json()["results"]] == [active.pk]
    assert client.get(f"/api/v1/applications/{pending.pk}/").status_code == 404
    assert client.get(f"/api/v1/applications/{active.pk}/").status_code == 200
    assert client.get(f"/api/v1/applications/{active.pk}/documents/").status_code == 200


def test_officers_see_all_applications(client_for):
    ApplicationFactory.create_batch(3)
    assert client_for(UserFactory(officer=True)).get("/api/v1/applications/").json()["count"] == 3
    assert client_for(UserFactory(admin=True)).get("/api/v1/applications/").json()["count"] == 3
