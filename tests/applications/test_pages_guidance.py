"""What the application pages tell people: the next step, the step indicator, the error
summary, confirmations before irreversible actions, superseded documents, grouped dollars."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.choices import ApplicationStatus, DocumentKind
from applications.models import Document
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
    aor_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def aor_client(client):
    membership = MembershipFactory()
    project = ProjectFactory(organization=membership.organization)
    client.force_login(membership.user)
    client.org, client.project, client.user = membership.organization, project, membership.user
    return client


def test_draft_shows_the_step_indicator_and_what_to_do_next(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    html = aor_client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'usa-step-indicator__segment usa-step-indicator__segment--current' in html
    assert "Finish and submit your application" in html
    assert "EST" in html or "EDT" in html  # the closing time names its zone


def test_revision_request_is_quoted_at_the_top_with_its_due_date(aor_client, client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project,
                             status=ApplicationStatus.REVISION_REQUESTED,
                             response_due_at=timezone.now() + dt.timedelta(days=10))
    from applications.models import TransitionLog
    TransitionLog.objects.create(subject=app, transition="request_revision", from_state="screening",
                                 to_state="revision_requested", actor=UserFactory(officer=True),
                                 comment="Replace the budget justification with the signed one.", comment_internal=False)
    html = aor_client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    box = html[html.index("usa-summary-box"):html.index("<h2 id=\"actions\"")]
    assert "Replace the budget justification with the signed one." in box
    assert "resubmit by" in box


def test_withdraw_and_submit_ask_for_confirmation_in_a_modal(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    html = aor_client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    for name in ("submit", "withdraw"):
        modal = re.search(rf'<div class="usa-modal" id="confirm-{name}".*?</form>', html, re.S)
        assert modal, f"{name} has no confirmation modal"
        assert f'/actions/{name}/' in modal.group(0)
        assert f'data-open-modal data-opens-confirm="{name}" aria-controls="confirm-{name}"' in html
    # The withdraw comment lives inside its own dialog, not between the Submit and Withdraw buttons.
    withdraw = re.search(r'id="confirm-withdraw".*?</form>', html, re.S).group(0)
    assert "Reason for withdrawing" in withdraw


def test_open_review_is_not_offered_without_enough_reviewers(client):
    officer = UserFactory(officer=True)
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    client.force_login(officer)
    html = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "/actions/open_review/" not in html
    assert "Not available yet: At least" in html


def test_comment_boxes_are_labelled_by_what_they_are_for(client):
    client.force_login(UserFactory(officer=True))
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    html = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "What the applicant must change" in html
    assert "Reason the application is ineligible" in html
    assert "Revision due (Eastern time)" in html


def test_a_failed_action_names_the_action_and_no_field_code(client):
    client.force_login(UserFactory(officer=True))
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    resp = client.post(reverse("applications:transition", args=[app.pk, "request_revision"]),
                       {"expected_status": "screening", "comment": "Fix it"})
    html = resp.content.decode()
    assert "“Request revision” could not be completed" in html
    assert "response_due_at" not in html.split('id="actions"')[0]


def test_project_form_lists_every_error_in_a_summary_at_the_top(aor_client):
    resp = aor_client.post(reverse("applications:project_create"), {"name": "", "annual_capacity_tonnes": "x"})
    html = resp.content.decode()
    summary = re.search(r'<div class="usa-alert usa-alert--error[^"]*site-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary"
    links = re.findall(r'href="#(id_[a-z_]+)"', summary.group(0))
    assert "id_name" in links and len(links) >= 3  # every field error at once, each linked to its field
    assert summary.start() < html.index('<form class="usa-form')


def test_a_replaced_document_is_marked_superseded(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    aor = aor_of(aor_client.org)
    old = DocumentFactory(application=app, kind=DocumentKind.BUDGET_JUSTIFICATION, uploaded_by=aor)
    new = DocumentFactory(application=app, kind=DocumentKind.BUDGET_JUSTIFICATION, uploaded_by=aor)
    Document.objects.filter(pk=new.pk).update(uploaded_at=old.uploaded_at + dt.timedelta(minutes=5))
    html = aor_client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html.split("<h2>Documents</h2>")[1], re.S)
    superseded = [r for r in rows if "Superseded" in r]
    assert len(superseded) == 1 and f"/documents/{old.pk}/download/" in superseded[0]


def test_an_applicant_removes_a_draft_document(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project)
    doc = DocumentFactory(application=app, kind=DocumentKind.OTHER, uploaded_by=aor_of(aor_client.org))
    resp = aor_client.post(reverse("applications:document_remove", args=[doc.pk]))
    assert resp.status_code == 302
    assert not Document.objects.filter(pk=doc.pk).exists()


def test_dollar_fields_show_grouped_amounts_and_accept_commas(aor_client):
    app = ApplicationFactory(organization=aor_client.org, project=aor_client.project,
                             federal_amount_requested=Decimal("20000000.00"))
    html = aor_client.get(reverse("applications:edit", args=[app.pk])).content.decode()
    assert 'value="20,000,000.00"' in html
    from applications.forms import ApplicationForm
    form = ApplicationForm(user=aor_client.user, opportunity=app.opportunity, instance=app)
    field = form.fields["federal_amount_requested"]
    assert field.clean("$1,250,000.50") == Decimal("1250000.50")
