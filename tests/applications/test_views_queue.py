"""The program officer's screening queue and screening actions from the pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.choices import ApplicationStatus
from applications.models import TransitionLog
from tests.factories import (
    ApplicationFactory,
    OpportunityFactory,
    UserFactory,
    aor_of,
    owned,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    client.force_login(UserFactory(officer=True))
    return client


def test_queue_lists_submitted_screening_and_revision_applications_only(officer_client):
    submitted = ApplicationFactory(title="Alpha submitted", status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(title="Beta screening", status=ApplicationStatus.SCREENING)
    ApplicationFactory(title="Gamma revision", status=ApplicationStatus.REVISION_REQUESTED)
    ApplicationFactory(title="Delta draft")
    ApplicationFactory(title="Epsilon review", status=ApplicationStatus.UNDER_REVIEW)
    resp = officer_client.get(reverse("applications:officer_queue"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Alpha submitted" in html and "Beta screening" in html and "Gamma revision" in html
    assert "Delta draft" not in html and "Epsilon review" not in html
    assert reverse("applications:transition", args=[submitted.pk, "start_screening"]) in html


def test_queue_filters_by_opportunity_and_status(officer_client):
    opp = OpportunityFactory()
    ApplicationFactory(title="In opp submitted", opportunity=opp, status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(title="In opp screening", opportunity=opp, status=ApplicationStatus.SCREENING)
    ApplicationFactory(title="Other opp", status=ApplicationStatus.SUBMITTED)
    resp = officer_client.get(reverse("applications:officer_queue"), {"opportunity": opp.pk})
    titles = [a.title for a in resp.context["applications"]]
    assert sorted(titles) == ["In opp screening", "In opp submitted"]
    resp = officer_client.get(reverse("applications:officer_queue"), {"opportunity": opp.pk, "status": "screening"})
    assert [a.title for a in resp.context["applications"]] == ["In opp screening"]


def test_queue_flags_foreign_entities_of_concern(officer_client):
    org = owned(("CN", 30))
    ApplicationFactory(organization=org, status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    html = officer_client.get(reverse("applications:officer_queue")).content.decode()
    assert html.count(">FEOC</span>") == 1


def test_queue_query_count_is_constant(officer_client, django_assert_max_num_queries):
    ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    with django_assert_max_num_queries(12) as few:
        officer_client.get(reverse("applications:officer_queue"))
    for _ in range(6):
        ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        officer_client.get(reverse("applications:officer_queue"))


def test_start_screening_from_the_queue_returns_to_the_queue(officer_client):
    app = ApplicationFactory(ready=True, status=ApplicationStatus.SUBMITTED)
    queue = reverse("applications:officer_queue")
    resp = officer_client.post(reverse("applications:transition", args=[app.pk, "start_screening"]),
                               {"expected_status": "submitted", "next": queue})
    assert resp.status_code == 302 and resp["Location"] == queue
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SCREENING
    assert TransitionLog.objects.get(object_id=app.pk).transition == "start_screening"


def test_next_parameter_cannot_redirect_off_site(officer_client):
    app = ApplicationFactory(ready=True, status=ApplicationStatus.SUBMITTED)
    resp = officer_client.post(reverse("applications:transition", args=[app.pk, "start_screening"]),
                               {"next": "https://evil.example.com/"})
    assert resp["Location"] == reverse("applications:detail", args=[app.pk])


def test_request_revision_needs_comment_and_due_date_then_records_them(officer_client):
    app = ApplicationFactory(ready=True, status=ApplicationStatus.SCREENING)
    url = reverse("applications:transition", args=[app.pk, "request_revision"])
    resp = officer_client.post(url, {"comment": ""})
    assert resp.status_code == 200
    assert "A comment is required." in resp.context["unmet"]
    assert any("response due" in m.lower() for m in resp.context["unmet"])
    due = timezone.localtime() + dt.timedelta(days=14)
    resp = officer_client.post(url, {"comment": "Add the permitting plan.",
                                     "response_due_at": due.strftime("%Y-%m-%dT%H:%M")})
    assert resp.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVISION_REQUESTED
    assert app.response_due_at is not None and abs(app.response_due_at - due) < dt.timedelta(minutes=1)


def test_mark_ineligible_from_the_detail_page(officer_client):
    app = ApplicationFactory(ready=True, status=ApplicationStatus.SCREENING)
    detail = officer_client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    url = reverse("applications:transition", args=[app.pk, "mark_ineligible"])
    assert url in detail
    assert officer_client.post(url, {"comment": "Outside the program's scope."}).status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.INELIGIBLE


def test_applicant_cannot_open_the_queue_or_screen(client):
    app = ApplicationFactory(ready=True, status=ApplicationStatus.SUBMITTED)
    client.force_login(aor_of(app.organization))
    assert client.get(reverse("applications:officer_queue")).status_code == 403
    resp = client.post(reverse("applications:transition", args=[app.pk, "start_screening"]), {})
    assert resp.status_code == 403
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
