"""Create, upload and submit read what the policy and the guards need with statements they
make anyway (issue 12): the actor's membership role comes with the organization looked up
(create) or the application locked (upload, submit), and submit's guards and submitted
record read documents, minerals and owners in one statement after the lock."""

import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import MemberRole
from accounts.models import Membership
from applications.choices import ApplicationStatus
from applications.guards import application_complete
from applications.models import Mineral
from applications.record import build_record, organization_snapshot, project_snapshot
from applications.services import application_transition
from dpa_funding import lifecycle
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    MembershipFactory,
    ProjectFactory,
    aor_of,
    owned,
    pdf_bytes,
)
from tests.tokens import token_for

pytestmark = pytest.mark.django_db


def captured(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    return response, [q["sql"] for q in ctx.captured_queries]


def membership_reads(statements):
    """Statements that read the membership table on their own (not as a subquery)."""
    return [s for s in statements if s.lstrip().startswith('SELECT "accounts_membership"')]


def token_client(user):
    return APIClient(HTTP_AUTHORIZATION=f"Token {token_for(user)}")


def upload(client, app_id, kind="technical_report"):
    return client.post(f"/api/v1/applications/{app_id}/documents/",
                       {"file": SimpleUploadedFile(f"{kind}.pdf", pdf_bytes()), "kind": kind},
                       format="multipart")


def submit(client, app_id):
    return client.post(f"/api/v1/applications/{app_id}/transitions/submit/", {"comment": ""},
                       format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


# ---------------------------------------------------------------- the role with a needed read


def test_upload_reads_the_role_with_the_locked_application():
    app = ApplicationFactory()
    client = token_client(aor_of(app.organization))
    response, statements = captured(lambda: upload(client, app.pk))
    assert response.status_code == 201, response.json()
    assert membership_reads(statements) == []
    locking = [s for s in statements if "FOR UPDATE" in s]
    assert len(locking) == 1 and '"accounts_membership"' in locking[0]
    assert 'FOR UPDATE OF "applications_application"' in locking[0]  # membership is not locked


def test_submit_reads_the_role_with_the_locked_application():
    app = ApplicationFactory(ready=True)
    client = token_client(aor_of(app.organization))
    response, statements = captured(lambda: submit(client, app.pk))
    assert response.status_code == 200, response.json()
    assert membership_reads(statements) == []
    locking = [s for s in statements if "FOR UPDATE" in s and "applications_application" in s]
    assert len(locking) == 1 and '"accounts_membership"' in locking[0]


def test_create_reads_the_role_with_the_organization():
    template = ApplicationFactory(ready=True)
    client = token_client(aor_of(template.organization))
    response, statements = captured(lambda: client.post("/api/v1/applications/", {
        "opportunity": template.opportunity_id, "organization": template.organization_id,
        "project": template.project_id, "title": "One read", "instrument": "grant",
        "federal_amount_requested": "1000000.00",
    }, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())))
    assert response.status_code == 201, response.json()
    assert membership_reads(statements) == []
    organization_reads = [s for s in statements if s.startswith('SELECT "accounts_organization"')]
    assert len(organization_reads) == 1 and '"accounts_membership"' in organization_reads[0]


def test_create_still_reports_every_field_error_at_once(client_for):
    template = ApplicationFactory()
    stranger = MembershipFactory().user  # a member of another organization only
    response = client_for(stranger).post("/api/v1/applications/", {
        "opportunity": template.opportunity_id, "organization": template.organization_id,
        "project": 999999, "title": "x", "instrument": "grant",
    }, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["organization"] == [f'Invalid pk "{template.organization_id}" - object does not exist.']
    assert body["project"] == ['Invalid pk "999999" - object does not exist.']
    assert body["federal_amount_requested"] == ["This field is required."]


def test_a_contributor_promoted_between_requests_may_submit_in_the_next(client_for):
    """The same user object across requests (force_authenticate): each request asks afresh."""
    app = ApplicationFactory(ready=True)
    membership = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR)
    client = client_for(membership.user)
    assert upload(client, app.pk).status_code == 201  # contributors upload
    refused = submit(client, app.pk)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    Membership.objects.filter(pk=membership.pk).update(role=MemberRole.AUTHORIZED_REPRESENTATIVE)
    assert submit(client, app.pk).status_code == 200


def test_a_representative_demoted_between_requests_may_no_longer_submit(client_for):
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    client = client_for(aor)
    assert upload(client, app.pk).status_code == 201
    Membership.objects.filter(user=aor, organization=app.organization).update(role=MemberRole.CONTRIBUTOR)
    assert submit(client, app.pk).status_code == 403
    Membership.objects.filter(user=aor, organization=app.organization).delete()
    assert upload(client, app.pk).status_code == 404  # no longer sees it
    assert ApplicationFactory._meta.model.objects.get(pk=app.pk).status == ApplicationStatus.DRAFT


# ---------------------------------------------------------------- submit's reads in one statement


def test_submit_reads_documents_minerals_and_owners_in_one_statement():
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    _, statements = captured(lambda: application_transition(application_id=app.pk, name="submit", actor=aor))
    reads = [s for s in statements if '"applications_document"' in s]
    assert len(reads) == 1, statements
    for table in ('"accounts_owner"', '"applications_project_minerals"',
                  '"applications_fundingopportunity_eligible_minerals"'):
        assert [s for s in statements if table in s] == reads, table


def test_the_record_read_in_one_statement_is_the_record_read_from_the_rows():
    org = owned(("CN", "12.5", True), ("CA", "30"), ("US", "57.50"))
    project = ProjectFactory(organization=org, minerals=Mineral.objects.filter(name__in=["lithium", "cobalt"]))
    app = ApplicationFactory(organization=org, project=project, ready=True)
    record = build_record(app)
    assert record["organization"] == organization_snapshot(app.organization)
    assert record["project"] == project_snapshot(app.project)
    assert record["project"]["minerals"] == ["cobalt", "lithium"]
    assert record["organization"]["owners"][0] == {
        "name": "Owner 1", "country": "CN", "percent": "12.50", "government_controlled": True}
    assert record["organization"]["foreign_entity_of_concern_reasons"] == [
        "Owner 1 (CN) is government-controlled and holds 12.5%."]
    assert record["organization"]["foreign_ownership_percent"] == "42.50"


def test_the_submitted_record_lists_the_owners_and_minerals_the_guard_read(client_for):
    org = owned(("CN", "30", False))
    app = ApplicationFactory(organization=org, project=ProjectFactory(organization=org), ready=True)
    body = submit(client_for(aor_of(org)), app.pk).json()
    assert body["submitted_record"]["organization"]["foreign_entity_of_concern"] is True
    assert body["submitted_record"]["organization"]["owners"] == [
        {"name": "Owner 1", "country": "CN", "percent": "30.00", "government_controlled": False}]
    assert body["submitted_record"]["project"]["minerals"] == ["lithium"]


def test_the_guard_outside_a_firing_reads_afresh_each_time():
    app = DocumentFactory(kind="technical_report").application
    missing = "Upload at least one budget justification document."
    assert missing in application_complete(app, None, {})
    DocumentFactory(application=app, kind="budget_justification")
    assert application_complete(app, None, {}) == []  # the same instance: nothing remembered
    assert lifecycle.transition_memo(app) == {} and "_transition_memo" not in app.__dict__


def test_the_guard_messages_are_unchanged():
    app = ApplicationFactory()  # no documents
    app.project.minerals.clear()
    assert application_complete(app, None, {}) == [
        "Upload at least one technical report document.",
        "Upload at least one budget justification document.",
        "The project must list at least one mineral.",
    ]
    app.project.minerals.set(Mineral.objects.filter(name="lithium"))
    app.opportunity.eligible_minerals.set(Mineral.objects.filter(name="cobalt"))
    assert application_complete(app, None, {})[-1] == (
        "None of the project's minerals is eligible under this opportunity.")
    app.opportunity.eligible_minerals.add(Mineral.objects.get(name="lithium"))
    assert application_complete(app, None, {}) == [
        "Upload at least one technical report document.",
        "Upload at least one budget justification document.",
    ]


def test_a_fired_application_carries_no_memo_of_its_reads():
    app = ApplicationFactory(ready=True)
    fired = application_transition(application_id=app.pk, name="submit", actor=aor_of(app.organization))
    assert fired.status == ApplicationStatus.SUBMITTED
    assert "_transition_memo" not in fired.__dict__ and "_actor_role" not in fired.__dict__
    assert fired.submitted_record["organization"]["owners"] == []
    assert fired.submitted_record["budget"]["total"] == str(Decimal("20000000.00"))
