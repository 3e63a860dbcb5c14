"""The record frozen at submission: what review, ranking, funds and the letter rely on."""

import pytest

from accounts.services import organization_update
from applications.choices import ApplicationStatus
from applications.models import Mineral
from applications.services import application_transition, project_update
from awards.letters import letter_context, render_award_letter_html
from awards.selectors import opportunity_funds
from tests.awards.factories import issue, make_terms
from tests.factories import ApplicationFactory, UserFactory, aor_of, set_status

pytestmark = pytest.mark.django_db


def submitted_app():
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    application_transition(application_id=app.pk, name="submit", actor=aor)
    app.refresh_from_db()
    return app, aor


def test_submitted_record_is_absent_before_and_frozen_at_submission(client_for):
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    client = client_for(aor)
    assert client.get(f"/api/v1/applications/{app.pk}/").json()["submitted_record"] is None
    application_transition(application_id=app.pk, name="submit", actor=aor)
    record = client.get(f"/api/v1/applications/{app.pk}/").json()["submitted_record"]
    assert set(record) >= {"submitted_at", "organization", "project", "budget"}
    assert record["organization"]["uei"] == app.organization.uei
    assert record["organization"]["address_line1"] == app.organization.address_line1
    assert record["organization"]["foreign_entity_of_concern"] is False
    assert record["project"]["name"] == app.project.name
    assert record["project"]["minerals"] == ["lithium"]
    assert record["budget"]["equipment"] == "12000000.00"
    assert record["budget"]["total"] == "20000000.00"


def test_later_edits_to_project_and_organization_do_not_change_the_record(client_for):
    app, aor = submitted_app()
    cobalt = Mineral.objects.get(name="cobalt")
    project_update(actor=aor, project=app.project, minerals=[*app.project.minerals.all(), cobalt],
                   name="Renamed later")
    organization_update(actor=aor, organization=app.organization, legal_name="Renamed Corp",
                        owners=[{"name": "Later Owner", "country": "CN", "percent": "40"}])
    body = client_for(aor).get(f"/api/v1/applications/{app.pk}/").json()
    assert body["submitted_record"]["project"]["minerals"] == ["lithium"]
    assert body["submitted_record"]["organization"]["legal_name"] != "Renamed Corp"

    officer = UserFactory(officer=True)
    from django.test import Client

    web = Client()
    web.force_login(officer)
    page = web.get(f"/applications/{app.pk}/").content.decode()
    detail = page.split('id="audit"')[0]  # the audit trail below rightly shows the edits
    assert "Renamed Corp" not in detail and "Renamed later" not in detail and "FEOC" not in detail
    response = web.get("/applications/queue/")
    queue = response.content.decode()
    assert response.status_code == 200 and app.title in queue
    assert "Renamed Corp" not in queue and "FEOC" not in queue


def test_letter_and_funds_by_mineral_use_the_submitted_minerals():
    app, aor = submitted_app()
    app = set_status(app, ApplicationStatus.NEGOTIATION)
    make_terms(app)
    cobalt = Mineral.objects.get(name="cobalt")
    project_update(actor=aor, project=app.project, minerals=[*app.project.minerals.all(), cobalt],
                   name="Renamed after submission")
    organization_update(actor=aor, organization=app.organization, legal_name="Renamed After Corp")
    award = issue(app)

    context = letter_context(award)
    assert context["project"]["minerals"] == "lithium"
    assert context["project"]["name"] != "Renamed after submission"
    assert context["recipient"]["legal_name"] != "Renamed After Corp"
    html = render_award_letter_html(award)
    assert "cobalt" not in html and "Renamed After Corp" not in html

    by_mineral = {row["name"]: row["awards"] for row in opportunity_funds(app.opportunity)["by_mineral"]}
    assert by_mineral == {"lithium": 1}


def test_resubmission_refreshes_the_record():
    app, aor = submitted_app()
    officer = UserFactory(officer=True)
    application_transition(application_id=app.pk, name="start_screening", actor=officer)
    from django.utils import timezone

    application_transition(application_id=app.pk, name="request_revision", actor=officer, data={
        "comment": "Add cobalt.", "response_due_at": timezone.now() + timezone.timedelta(days=5)})
    project_update(actor=aor, project=app.project,
                   minerals=[*app.project.minerals.all(), Mineral.objects.get(name="cobalt")])
    application_transition(application_id=app.pk, name="resubmit", actor=aor)
    app.refresh_from_db()
    assert app.submitted_record["project"]["minerals"] == ["cobalt", "lithium"]
    assert sorted(app.submitted_minerals.values_list("name", flat=True)) == ["cobalt", "lithium"]
