"""The white-paper pages: an applicant drafts, uploads and submits; an officer filters,
encourages with a due date or discourages; a two-step opportunity's full application is
started from the encouraged white paper. Labels, not codes; no inline script or style."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import ProjectFactory, UserFactory
from tests.hardening.html_audit import audit
from whitepapers.choices import WhitePaperStatus
from whitepapers.models import WhitePaper

from .helpers import (
    D,
    aor_for,
    draft,
    encouraged,
    organization_with_aor,
    pdf_upload,
    submitted,
    two_step_opportunity,
)

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html_of(response) -> str:
    html = response.content.decode()
    assert audit(html).problems == []
    return html


def test_applicant_drafts_uploads_and_submits_through_the_pages():
    opp = two_step_opportunity()
    org, aor = organization_with_aor()
    project = ProjectFactory(organization=org)
    client = client_of(aor)
    detail = html_of(client.get(reverse("applications:opportunity_detail", args=[opp.pk])))
    assert "Two-step solicitation" in detail and f"{reverse('whitepapers:create')}?opportunity={opp.pk}" in detail
    form_url = f"{reverse('whitepapers:create')}?opportunity={opp.pk}"
    assert client.get(form_url).status_code == 200
    bad = client.post(form_url, {"organization": org.pk, "project": project.pk, "title": "", "instrument": "grant",
                                 "federal_amount_estimate": "-5"})
    assert bad.status_code == 200 and WhitePaper.objects.count() == 0
    response = client.post(form_url, {"organization": org.pk, "project": project.pk, "title": "Gallium recovery",
                                      "instrument": "grant", "federal_amount_estimate": "9000000",
                                      "summary": "Recover gallium."})
    wp = WhitePaper.objects.get()
    assert response.status_code == 302 and response.url == reverse("whitepapers:detail", args=[wp.pk])
    page = html_of(client.get(response.url))
    assert "Draft" in page and "Not uploaded yet" in page and "Submit white paper" in page
    upload = client.post(reverse("whitepapers:document_upload", args=[wp.pk]), {"file": pdf_upload(3)})
    assert upload.status_code == 302
    submit = client.post(reverse("whitepapers:transition", args=[wp.pk, "submit"]), {"expected_status": "draft"})
    assert submit.status_code == 302
    assert WhitePaper.objects.get(pk=wp.pk).status == WhitePaperStatus.SUBMITTED
    listing = html_of(client.get(reverse("whitepapers:list")))
    assert "Gallium recovery" in listing and "Submitted" in listing


def test_submit_without_the_pdf_shows_what_is_missing():
    wp = draft(document=False)
    response = client_of(aor_for(wp)).post(reverse("whitepapers:transition", args=[wp.pk, "submit"]), {})
    assert response.status_code == 200
    assert "Upload the white paper" in response.content.decode()


def test_officer_encourages_with_a_due_date_and_discourages_with_a_comment():
    officer = UserFactory(officer=True)
    first, second = submitted(), submitted()
    client = client_of(officer)
    listing = html_of(client.get(reverse("whitepapers:list"), {"status": "submitted"}))
    assert first.title in listing and "All two-step opportunities" in listing
    page = html_of(client.get(reverse("whitepapers:detail", args=[first.pk])))
    assert "Encourage a full proposal" in page and "Full proposal due (Eastern time)" in page
    day = (timezone.localdate() + 30 * D).isoformat()
    response = client.post(reverse("whitepapers:transition", args=[first.pk, "encourage"]),
                           {"comment": "Strong concept.", "proposal_due_at": day})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == WhitePaperStatus.ENCOURAGED
    assert timezone.localtime(first.proposal_due_at).hour == 17  # a bare date means 5:00 p.m. Eastern
    refused = client.post(reverse("whitepapers:transition", args=[second.pk, "discourage"]), {"comment": ""})
    assert refused.status_code == 200 and "A comment is required." in refused.content.decode()
    assert WhitePaper.objects.get(pk=second.pk).status == WhitePaperStatus.SUBMITTED


def test_applicant_cannot_see_another_organizations_white_paper():
    wp = submitted()
    stranger = UserFactory()
    assert client_of(stranger).get(reverse("whitepapers:detail", args=[wp.pk])).status_code == 404
    assert client_of(stranger).post(reverse("whitepapers:transition", args=[wp.pk, "withdraw"])).status_code == 404


def test_full_application_is_started_from_the_encouraged_white_paper():
    wp = encouraged()
    client = client_of(aor_for(wp))
    page = html_of(client.get(reverse("whitepapers:detail", args=[wp.pk])))
    start = f"{reverse('applications:create')}?opportunity={wp.opportunity_id}&amp;white_paper={wp.pk}"
    assert start in page and "Encouraged" in page
    form = html_of(client.get(start.replace("&amp;", "&")))
    assert "Encouraged white paper" in form
    data = {"white_paper": wp.pk, "organization": wp.organization_id, "project": wp.project_id,
            "title": "Full proposal", "instrument": "grant", "federal_amount_requested": "10000000",
            "cost_share_amount": "10000000", "period_start": "2027-01-01", "period_end": "2029-12-31",
            "summary": "Build it.", "budget_equipment": "20000000"}
    response = client.post(f"{reverse('applications:create')}?opportunity={wp.opportunity_id}", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    app = wp.applications.get()
    assert app.federal_amount_requested == Decimal("10000000")
    detail = html_of(client.get(reverse("applications:detail", args=[app.pk])))
    assert f"White paper #{wp.pk}" in detail


def test_no_full_application_page_without_an_encouraged_white_paper():
    wp = submitted()
    response = client_of(aor_for(wp)).get(f"{reverse('applications:create')}?opportunity={wp.opportunity_id}")
    assert response.status_code == 302
    assert response.url == reverse("applications:opportunity_detail", args=[wp.opportunity_id])


def test_officer_makes_a_two_step_opportunity_on_the_form():
    officer = UserFactory(officer=True)
    client = client_of(officer)
    assert "White papers due (Eastern time)" in html_of(client.get(reverse("applications:opportunity_create")))
