"""HTML pages for projects, opportunities, applications, documents and transitions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.choices import MemberRole
from applications.choices import ApplicationStatus, DocumentKind
from applications.models import Application, Document, Mineral, Project, TransitionLog
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    MembershipFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


def budget_post(**overrides):
    data = {f"budget_{n}": "0" for n in ("personnel", "fringe", "travel", "equipment", "supplies",
                                         "contractual", "construction", "other", "indirect")}
    data.update({f"budget_{k}": v for k, v in overrides.items()})
    return data


@pytest.fixture
def aor_client(client):
    """A client signed in as the AOR of a fresh organization with one project."""
    membership = MembershipFactory()
    project = ProjectFactory(organization=membership.organization)
    client.force_login(membership.user)
    client.org, client.project, client.user = membership.organization, project, membership.user
    return client


# ---------------------------------------------------------------- dashboard and opportunities


def test_dashboard_lists_own_applications_and_open_opportunities_with_apply_links(aor_client):
    mine = ApplicationFactory(organization=aor_client.org, project=aor_client.project, title="Our smelter")
    theirs = ApplicationFactory(title="Someone else's mine")
    closed = OpportunityFactory(opens_at=timezone.now() - dt.timedelta(days=40),
                                closes_at=timezone.now() - dt.timedelta(days=1), title="Closed call")
    resp = aor_client.get(reverse("applications:list"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Our smelter" in html and "Someone else" not in html
    assert "status-tag--draft" in html
    assert f"{reverse('applications:create')}?opportunity={mine.opportunity_id}" in html
    assert f"?opportunity={closed.pk}" not in html
    assert theirs.opportunity.title in html  # open opportunities are listed for everyone


def test_dashboard_query_count_does_not_grow_with_applications(aor_client, django_assert_max_num_queries):
    ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    with django_assert_max_num_queries(10) as few:
        aor_client.get(reverse("applications:list"))
    for _ in range(8):
        ApplicationFactory(organization=aor_client.org, project=aor_client.project,
                           opportunity=OpportunityFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = aor_client.get(reverse("applications:list"))
    assert len(resp.context["applications"]) == 9


def test_opportunity_list_and_detail_render(aor_client):
    opp = OpportunityFactory()
    assert aor_client.get(reverse("applications:opportunity_list")).status_code == 200
    resp = aor_client.get(reverse("applications:opportunity_detail", args=[opp.pk]))
    assert resp.status_code == 200 and "Technical merit" in resp.content.decode()


# ---------------------------------------------------------------- projects


def test_project_create_with_minerals(aor_client):
    minerals = list(Mineral.objects.filter(name__in=["lithium", "cobalt"]))
    assert len(minerals) == 2
    assert aor_client.get(reverse("applications:project_create")).status_code == 200
    resp = aor_client.post(reverse("applications:project_create"), {
        "organization": aor_client.org.pk, "name": "Clayton Valley", "facility_type": "mine",
        "stage": "permitting", "minerals": [m.pk for m in minerals], "location": "US-NV", "county": "Esmeralda",
        "latitude": "37.8", "longitude": "-117.6", "annual_capacity_tonnes": "20000",
    })
    assert resp.status_code == 302
    project = Project.objects.get(name="Clayton Valley")
    assert set(project.minerals.all()) == set(minerals) and project.organization == aor_client.org


def test_project_form_errors_keep_input(aor_client):
    resp = aor_client.post(reverse("applications:project_create"), {
        "organization": aor_client.org.pk, "name": "Bad latitude", "facility_type": "mine", "stage": "permitting",
        "minerals": [Mineral.objects.get(name="lithium").pk], "location": "US-NV", "latitude": "95",
    })
    assert resp.status_code == 200 and "latitude" in resp.context["form"].errors
    assert 'value="Bad latitude"' in resp.content.decode()
    assert not Project.objects.filter(name="Bad latitude").exists()


def test_project_edit_404_for_other_organizations(aor_client):
    other = ProjectFactory()
    assert aor_client.get(reverse("applications:project_edit", args=[other.pk])).status_code == 404
    resp = aor_client.get(reverse("applications:project_edit", args=[aor_client.project.pk]))
    assert resp.status_code == 200


# ---------------------------------------------------------------- applications


def test_application_create_with_budget_shows_derived_totals(aor_client):
    opp = OpportunityFactory()
    url = f"{reverse('applications:create')}?opportunity={opp.pk}"
    resp = aor_client.get(url)
    assert resp.status_code == 200
    # Only this organization's projects are offered.
    assert list(resp.context["form"].fields["project"].queryset) == [aor_client.project]
    resp = aor_client.post(url, {
        "organization": aor_client.org.pk, "project": aor_client.project.pk, "title": "Cobalt refinery",
        "instrument": "grant", "federal_amount_requested": "1000000", "cost_share_amount": "1000000",
        "period_start": "2027-01-01", "period_end": "2029-12-31", "summary": "Refine cobalt.",
        **budget_post(personnel="500000", equipment="1200000", indirect="300000"),
    })
    assert resp.status_code == 302
    app = Application.objects.get(title="Cobalt refinery")
    assert app.status == ApplicationStatus.DRAFT and app.created_by == aor_client.user
    assert app.budget_total_direct == Decimal("1700000.00") and app.budget_total == Decimal("2000000.00")
    html = aor_client.get(resp["Location"]).content.decode()
    assert "$1,700,000.00" in html and "$2,000,000.00" in html


def test_application_create_invalid_input_loses_nothing(aor_client):
    opp = OpportunityFactory()
    url = f"{reverse('applications:create')}?opportunity={opp.pk}"
    resp = aor_client.post(url, {
        "organization": aor_client.org.pk, "project": aor_client.project.pk, "title": "Keep me",
        "instrument": "grant", "federal_amount_requested": "-5", "cost_share_amount": "10",
        **budget_post(travel="1234.50", supplies="abc"),
    })
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    assert "federal_amount_requested" in errors and "budget_supplies" in errors
    html = resp.content.decode()
    assert 'value="Keep me"' in html and 'value="1234.50"' in html and 'value="abc"' in html
    assert "$1,234.50" in html  # totals are derived from what was typed
    assert not Application.objects.exists()


def test_create_rejects_a_project_of_another_organization(aor_client):
    opp, foreign = OpportunityFactory(), ProjectFactory()
    resp = aor_client.post(f"{reverse('applications:create')}?opportunity={opp.pk}", {
        "organization": aor_client.org.pk, "project": foreign.pk, "title": "x", "instrument": "grant",
        "federal_amount_requested": "1", "cost_share_amount": "0", **budget_post(),
    })
    assert resp.status_code == 200 and "project" in resp.context["form"].errors
    assert not Application.objects.exists()


def test_create_for_a_closed_opportunity_redirects_with_a_message(aor_client):
    opp = OpportunityFactory(opens_at=timezone.now() - dt.timedelta(days=9), closes_at=timezone.now() - dt.timedelta(days=1))
    resp = aor_client.get(f"{reverse('applications:create')}?opportunity={opp.pk}", follow=True)
    assert "not open" in resp.content.decode()


def test_edit_updates_a_draft_and_refuses_submitted_ones(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    resp = aor_client.get(reverse("applications:edit", args=[app.pk]))
    assert resp.status_code == 200
    data = {"project": app.project_id, "title": "Renamed", "instrument": "grant",
            "federal_amount_requested": "10000000", "cost_share_amount": "10000000", "summary": "s",
            "period_start": "2027-01-01", "period_end": "2028-01-01", **budget_post(equipment="20000000")}
    assert aor_client.post(reverse("applications:edit", args=[app.pk]), data).status_code == 302
    app.refresh_from_db()
    assert app.title == "Renamed" and app.budget_equipment == Decimal("20000000") and app.budget_personnel == 0
    submitted = ApplicationFactory(organization=aor_client.org, project=aor_client.project,
                                   status=ApplicationStatus.SUBMITTED)
    resp = aor_client.post(reverse("applications:edit", args=[submitted.pk]), {**data, "title": "Nope"})
    assert resp.status_code == 302
    submitted.refresh_from_db()
    assert submitted.title != "Nope"


def test_detail_shows_budget_documents_and_history(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project, ready=True)
    resp = aor_client.get(reverse("applications:detail", args=[app.pk]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "$19,500,000.00" in html  # total direct
    assert "$20,000,000.00" in html  # total
    for doc in app.documents.all():
        assert reverse("applications:document_download", args=[doc.pk]) in html
    assert reverse("applications:transition", args=[app.pk, "submit"]) in html
    assert reverse("applications:transition", args=[app.pk, "withdraw"]) in html


# ---------------------------------------------------------------- transitions


def test_submit_via_the_page_with_missing_documents_lists_every_unmet_guard(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project, summary="",
                             cost_share_amount=Decimal("0"))
    resp = aor_client.post(reverse("applications:transition", args=[app.pk, "submit"]),
                           {"expected_status": "draft"})
    assert resp.status_code == 200
    unmet = resp.context["unmet"]
    assert len(unmet) >= 5
    html = resp.content.decode()
    assert "“Submit application” could not be completed" in html
    for message in unmet:
        assert message.replace("'", "&#x27;") in html
    text = " ".join(unmet)
    assert "technical report" in text and "budget justification" in text and "project summary" in text
    assert "Cost share" in text and "SF-424A budget total" in text
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT
    assert not TransitionLog.objects.exists()


def test_submit_via_the_page_succeeds_when_complete(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project, ready=True)
    resp = aor_client.post(reverse("applications:transition", args=[app.pk, "submit"]),
                           {"expected_status": "draft"})
    assert resp.status_code == 302 and resp["Location"] == reverse("applications:detail", args=[app.pk])
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    history = aor_client.get(resp["Location"]).context["history"]
    assert [(h["transition"], h["to_state"]) for h in history] == [("submit", "submitted")]


def test_stale_expected_status_is_a_conflict_message_not_a_change(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project, ready=True,
                             status=ApplicationStatus.SUBMITTED)
    resp = aor_client.post(reverse("applications:transition", args=[app.pk, "withdraw"]),
                           {"expected_status": "draft"}, follow=True)
    assert "changed concurrently" in resp.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_invalid_transition_shows_an_error_and_redirects(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project,
                             status=ApplicationStatus.WITHDRAWN)
    resp = aor_client.post(reverse("applications:transition", args=[app.pk, "submit"]), {})
    assert resp.status_code == 302
    follow = aor_client.get(resp["Location"])
    assert "not allowed" in follow.content.decode()


def test_contributor_may_not_submit_and_transition_is_post_only(client):
    app = ApplicationFactory(ready=True)
    contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    client.force_login(contributor)
    url = reverse("applications:transition", args=[app.pk, "submit"])
    assert client.get(url).status_code == 405
    assert client.post(url, {}).status_code == 403
    assert client.post(reverse("applications:transition", args=[app.pk, "no_such_thing"]), {}).status_code == 404


# ---------------------------------------------------------------- documents


def test_document_upload_then_download_round_trips(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    assert aor_client.get(reverse("applications:document_upload", args=[app.pk])).status_code == 200
    upload = SimpleUploadedFile("Technical report.pdf", pdf_bytes(), content_type="application/pdf")
    resp = aor_client.post(reverse("applications:document_upload", args=[app.pk]),
                           {"kind": DocumentKind.TECHNICAL_REPORT, "file": upload})
    assert resp.status_code == 302
    doc = Document.objects.get(application=app)
    assert doc.original_name == "Technical report.pdf" and "Technical report" not in doc.file.name
    resp = aor_client.get(reverse("applications:document_download", args=[doc.pk]))
    assert resp.status_code == 200
    assert resp["Content-Disposition"] == 'attachment; filename="Technical report.pdf"'
    assert b"".join(resp.streaming_content).startswith(b"%PDF-")


def test_download_content_disposition_is_safe_for_hostile_names(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    doc = DocumentFactory(application=app, original_name='..\\../etc/evil"\r\nX-Injected: 1;.pdf',
                          uploaded_by=aor_client.user)
    resp = aor_client.get(reverse("applications:document_download", args=[doc.pk]))
    assert resp.status_code == 200
    disposition = resp["Content-Disposition"]
    assert disposition == 'attachment; filename="evilX-Injected: 1.pdf"'
    assert "X-Injected" not in resp.headers


def test_document_upload_wrong_type_is_a_form_error(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    fake = SimpleUploadedFile("report.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64)
    resp = aor_client.post(reverse("applications:document_upload", args=[app.pk]),
                           {"kind": DocumentKind.TECHNICAL_REPORT, "file": fake})
    assert resp.status_code == 200
    assert "not accepted" in resp.context["form"].errors["file"][0]
    assert not Document.objects.exists()


def test_document_upload_too_large_is_a_form_error(aor_client, settings):
    settings.DOCUMENT_MAX_BYTES = 10
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    resp = aor_client.post(reverse("applications:document_upload", args=[app.pk]),
                           {"kind": DocumentKind.TECHNICAL_REPORT,
                            "file": SimpleUploadedFile("r.pdf", pdf_bytes())})
    # 413 like the API; the page re-renders the form with the error on the file field.
    assert resp.status_code == 413 and "larger than" in resp.context["form"].errors["file"][0]
    assert not Document.objects.exists()


# ---------------------------------------------------------------- isolation between organizations


def test_applicant_of_another_organization_gets_404_everywhere(client):
    app = ApplicationFactory(ready=True)
    doc = app.documents.first()
    outsider = MembershipFactory().user
    client.force_login(outsider)
    assert client.get(reverse("applications:detail", args=[app.pk])).status_code == 404
    assert client.get(reverse("applications:edit", args=[app.pk])).status_code == 404
    assert client.get(reverse("applications:document_upload", args=[app.pk])).status_code == 404
    assert client.get(reverse("applications:document_download", args=[doc.pk])).status_code == 404
    assert client.post(reverse("applications:transition", args=[app.pk, "submit"]), {}).status_code == 404
    assert client.post(reverse("applications:transition", args=[app.pk, "withdraw"]), {}).status_code == 404
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


def test_reviewer_without_assignment_gets_404_and_no_queue(client):
    app = ApplicationFactory(ready=True, status=ApplicationStatus.SUBMITTED)
    client.force_login(UserFactory(reviewer=True))
    assert client.get(reverse("applications:detail", args=[app.pk])).status_code == 404
    assert client.get(reverse("applications:officer_queue")).status_code == 403


def test_document_download_for_an_officer(client):
    doc = DocumentFactory()
    client.force_login(UserFactory(officer=True))
    resp = client.get(reverse("applications:document_download", args=[doc.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"


def test_create_without_an_opportunity_sends_the_user_to_the_opportunity_list(aor_client):
    resp = aor_client.get(reverse("applications:create"))
    assert resp.status_code == 302 and resp["Location"] == reverse("applications:opportunity_list")
    assert aor_client.get(f"{reverse('applications:create')}?opportunity=abc").status_code == 404


def test_officer_and_reviewer_cannot_start_an_application(client):
    opp = OpportunityFactory()
    for user in (UserFactory(officer=True), UserFactory(reviewer=True)):
        client.force_login(user)
        assert client.get(f"{reverse('applications:create')}?opportunity={opp.pk}").status_code == 403


def test_pages_render_for_officers(client):
    app = ApplicationFactory(ready=True, status=ApplicationStatus.SUBMITTED)
    client.force_login(UserFactory(officer=True))
    for url in (reverse("applications:list"), reverse("applications:project_list"),
                reverse("applications:opportunity_list"), reverse("applications:detail", args=[app.pk])):
        assert client.get(url).status_code == 200, url
    html = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert reverse("applications:transition", args=[app.pk, "start_screening"]) in html
    assert reverse("applications:transition", args=[app.pk, "submit"]) not in html
