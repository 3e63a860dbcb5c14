"""Step two of a two-step solicitation: a full application stands on an encouraged white
paper of the same organization and opportunity, and goes in before its proposal_due_at
(closes_at does not apply); create and submit both refuse otherwise."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from applications.choices import ApplicationStatus, DocumentKind
from applications.models import Application
from applications.services import application_transition
from dpa_funding.errors import ConditionsUnmet
from tests.applications.test_api_applications import create_body
from tests.factories import DocumentFactory, OpportunityFactory, ProjectFactory
from whitepapers.models import WhitePaper

from .helpers import (
    D,
    aor_for,
    discouraged,
    draft,
    encouraged,
    organization_with_aor,
    submitted,
    two_step_opportunity,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications/"


def body_for(wp, **overrides):
    return create_body(wp.project, wp.opportunity, white_paper=wp.pk, **overrides)


def test_two_step_application_without_a_white_paper_is_400(client_for):
    wp = encouraged()
    body = body_for(wp)
    del body["white_paper"]
    response = client_for(aor_for(wp)).post(URL, body, format="json")
    assert response.status_code == 400
    assert "encouraged white paper" in response.json()["white_paper"][0]
    assert not Application.objects.exists()


@pytest.mark.parametrize("make", [draft, submitted, discouraged])
def test_a_white_paper_not_encouraged_is_refused(client_for, make):
    wp = make()
    response = client_for(aor_for(wp)).post(URL, body_for(wp), format="json")
    assert response.status_code == 400
    assert any("Only an encouraged white paper" in m for m in response.json()["white_paper"])


def test_another_organizations_white_paper_is_refused(client_for):
    wp = encouraged()
    org, aor = organization_with_aor()
    project = ProjectFactory(organization=org)
    response = client_for(aor).post(URL, create_body(project, wp.opportunity, white_paper=wp.pk), format="json")
    assert response.status_code == 400  # not visible to them: reported as not existing
    assert "white_paper" in response.json()


def test_a_white_paper_of_another_opportunity_is_refused(client_for):
    wp = encouraged()
    other = two_step_opportunity()
    response = client_for(aor_for(wp)).post(URL, create_body(wp.project, other, white_paper=wp.pk), format="json")
    assert response.status_code == 400
    assert "different funding opportunity" in " ".join(response.json()["white_paper"])


def test_a_single_step_opportunity_takes_no_white_paper(client_for):
    wp = encouraged()
    single = OpportunityFactory()
    response = client_for(aor_for(wp)).post(URL, create_body(wp.project, single, white_paper=wp.pk), format="json")
    assert response.status_code == 400 and "single-step" in response.json()["white_paper"][0]


def test_every_field_error_at_once(client_for):
    wp = submitted()
    body = body_for(wp, title="", instrument="barter")
    response = client_for(aor_for(wp)).post(URL, body, format="json")
    assert response.status_code == 400
    assert {"title", "instrument", "white_paper"} <= set(response.json())


def test_created_after_the_proposal_due_date_is_refused(client_for):
    wp = encouraged(due=timezone.now() + D)
    with time_machine.travel(timezone.now() + 2 * D):
        response = client_for(aor_for(wp)).post(URL, body_for(wp), format="json")
    assert response.status_code == 400
    assert "was due by" in " ".join(response.json()["white_paper"])


def _ready(app):
    for kind in (DocumentKind.TECHNICAL_REPORT, DocumentKind.BUDGET_JUSTIFICATION):
        DocumentFactory(application=app, kind=kind, uploaded_by=aor_for(app))


def test_encouraged_white_paper_leads_to_one_full_application_submitted_after_closes_at(client_for):
    # The opportunity's closes_at has passed; the white paper's proposal_due_at has not.
    opp = two_step_opportunity(white_paper_closes_at=timezone.now() + 2 * D, closes_at=timezone.now() + 3 * D)
    wp = encouraged(opportunity=opp, due=timezone.now() + 20 * D)
    client = client_for(aor_for(wp))
    response = client.post(URL, body_for(wp), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["white_paper"] == wp.pk
    app = Application.objects.get(pk=response.json()["id"])
    assert client.post(URL, body_for(wp, title="Second try"), format="json").status_code == 400  # one per paper
    _ready(app)
    with time_machine.travel(timezone.now() + 10 * D):
        app = application_transition(application_id=app.pk, name="submit", actor=aor_for(wp))
    assert app.status == ApplicationStatus.SUBMITTED
    assert client.patch(f"{URL}{app.pk}/", {"white_paper": None}, format="json").status_code in (400, 409)


def test_submit_after_the_proposal_due_date_is_refused_and_changes_nothing(client_for):
    wp = encouraged(due=timezone.now() + 5 * D)
    response = client_for(aor_for(wp)).post(URL, body_for(wp), format="json")
    app = Application.objects.get(pk=response.json()["id"])
    _ready(app)
    with time_machine.travel(wp.proposal_due_at + dt.timedelta(minutes=1)):
        with pytest.raises(ConditionsUnmet) as exc:
            application_transition(application_id=app.pk, name="submit", actor=aor_for(wp))
        api = client_for(aor_for(wp)).post(f"{URL}{app.pk}/transitions/submit/", {}, format="json")
    assert any("full proposal was due by" in m for m in exc.value.unmet)
    assert api.status_code == 400 and api.json()["code"] == "conditions_unmet"
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.DRAFT


def test_the_white_paper_lists_its_full_application(client_for):
    wp = encouraged()
    client = client_for(aor_for(wp))
    app_id = client.post(URL, body_for(wp), format="json").json()["id"]
    assert client.get(f"/api/v1/white-papers/{wp.pk}/").json()["applications"] == [app_id]
    assert WhitePaper.objects.get(pk=wp.pk).applications.get().pk == app_id
