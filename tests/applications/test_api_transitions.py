"""Workflow transitions, history and concurrency over the API."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import MemberRole
from applications.choices import ApplicationStatus
from applications.models import Application, Mineral, TransitionLog
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
    aor_of,
    set_status,
)

pytestmark = pytest.mark.django_db


def url(app, name=None):
    return f"/api/v1/applications/{app.pk}/transitions/" + (f"{name}/" if name else "")


def fire(client, app, name, **body):
    return client.post(url(app, name), body, format="json")


@pytest.fixture
def officer(client_for):
    return client_for(UserFactory(officer=True))


def test_transitions_list_names_labels_and_targets_for_the_user(client_for, officer):
    app = ApplicationFactory(ready=True)
    response = client_for(aor_of(app.organization)).get(url(app))
    assert response.status_code == 200
    assert response.json()["count"] == len(response.json()["results"])
    assert response.json()["results"] == [
        {"name": "submit", "label": "Submit application", "target": "submitted"},
        {"name": "withdraw", "label": "Withdraw application", "target": "withdrawn"},
    ]
    screening = ApplicationFactory(status=ApplicationStatus.SCREENING)
    assert [t["name"] for t in officer.get(url(screening)).json()["results"]] == [
        "request_revision", "mark_ineligible", "open_review"]


def test_aor_submits_and_gets_the_application_back(client_for):
    app = ApplicationFactory(ready=True)
    response = fire(client_for(aor_of(app.organization)), app, "submit")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == app.pk and body["status"] == "submitted" and body["submitted_at"]
    assert body["available_transitions"] == ["withdraw"]
    assert TransitionLog.objects.filter(object_id=app.pk, transition="submit").count() == 1


def test_applicant_calling_officer_transition_gets_403(client_for):
    app = ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    response = fire(client_for(aor_of(app.organization)), app, "start_screening")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_contributor_cannot_submit(client_for):
    app = ApplicationFactory(ready=True)
    contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    assert fire(client_for(contributor), app, "submit").status_code == 403
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


def test_wrong_state_is_409_invalid_transition(officer):
    app = ApplicationFactory(ready=True)
    response = fire(officer, app, "start_screening")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_unknown_transition_name_is_404(officer):
    app = ApplicationFactory()
    for name in ("teleport", "Submit2"):
        response = fire(officer, app, name)
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_stale_expected_status_is_409_conflict_and_changes_nothing(officer):
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    response = fire(officer, app, "mark_ineligible", comment="No.", expected_status="submitted")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SCREENING and not TransitionLog.objects.exists()


def _later(days=1):
    return timezone.now() + dt.timedelta(days=days)


def _project_minerals_ineligible(app):
    app.opportunity.eligible_minerals.set([Mineral.objects.get(name="cobalt")])
    return app


SUBMIT_GUARD_CASES = {
    "closed opportunity": (
        lambda: ApplicationFactory(ready=True, opportunity__opens_at=timezone.now() - dt.timedelta(days=40),
                                   opportunity__closes_at=timezone.now() - dt.timedelta(days=1)),
        "The funding opportunity closed on"),
    "missing documents": (
        lambda: DocumentFactory(kind="technical_report").application,
        "Upload at least one budget justification document."),
    "budget mismatch": (
        lambda: ApplicationFactory(ready=True, budget_travel=Decimal("1.00")),
        "The SF-424A budget total ($20,000,001.00) must equal the total project cost"),
    "cost share below minimum": (
        lambda: ApplicationFactory(ready=True, federal_amount_requested=Decimal("15000000"),
                                   cost_share_amount=Decimal("5000000")),
        "Cost share must be at least 50% of the total project cost ($10,000,000.00)"),
    "amount above max award": (
        lambda: ApplicationFactory(ready=True, opportunity__max_award=Decimal("5000000")),
        "The federal amount requested exceeds the maximum award of $5,000,000.00."),
    "instrument not allowed": (
        lambda: ApplicationFactory(ready=True, instrument="loan_guarantee"),
        "This opportunity does not offer the instrument 'Loan guarantee'."),
    "ineligible minerals": (
        lambda: _project_minerals_ineligible(ApplicationFactory(ready=True)),
        "None of the project's minerals is eligible under this opportunity."),
    "period end before start": (
        lambda: ApplicationFactory(ready=True, period_start=dt.date(2027, 6, 1), period_end=dt.date(2027, 5, 1)),
        "The period of performance must end after it starts."),
}


@pytest.mark.parametrize("case", list(SUBMIT_GUARD_CASES))
def test_each_submit_guard_fails_on_its_own(client_for, case):
    make, message = SUBMIT_GUARD_CASES[case]
    app = make()
    if not app.documents.filter(kind="budget_justification").exists() and case != "missing documents":
        raise AssertionError("setup must be complete except for the guard under test")
    response = fire(client_for(aor_of(app.organization)), app, "submit")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "conditions_unmet"
    assert len(body["unmet"]) == 1 and body["unmet"][0].startswith(message), body["unmet"]
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


def test_request_revision_requires_comment_and_future_response_date(officer):
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    body = fire(officer, app, "request_revision").json()
    assert body["code"] == "conditions_unmet"
    assert body["unmet"] == ["A comment is required.",
                             "A response due date and time (response_due_at) is required."]
    past = fire(officer, app, "request_revision", comment="Fix budget",
                response_due_at=(timezone.now() - dt.timedelta(hours=1)).isoformat())
    assert past.status_code == 400 and past.json()["unmet"] == ["The response due date must be in the future."]
    bad = fire(officer, app, "request_revision", comment="Fix budget", response_due_at="next tuesday")
    assert bad.status_code == 400 and "response_due_at" in bad.json()

    due = _later(14).replace(microsecond=0)
    ok = fire(officer, app, "request_revision", comment="Fix budget", response_due_at=due.isoformat())
    assert ok.status_code == 200 and ok.json()["status"] == "revision_requested"
    assert dt.datetime.fromisoformat(ok.json()["response_due_at"]) == due


def test_resubmit_after_response_due_is_refused_and_before_is_allowed(client_for, officer):
    app = ApplicationFactory(ready=True, status=ApplicationStatus.SCREENING)
    due = _later(7)
    assert fire(officer, app, "request_revision", comment="Add permits",
                response_due_at=due.isoformat()).status_code == 200
    aor = client_for(aor_of(app.organization))
    with time_machine.travel(due + dt.timedelta(minutes=1)):
        late = fire(aor, app, "resubmit")
    assert late.status_code == 400 and late.json()["unmet"][0].startswith("The revision was due")
    with time_machine.travel(due - dt.timedelta(hours=1)):
        on_time = fire(aor, app, "resubmit")
    assert on_time.status_code == 200 and on_time.json()["status"] == "submitted"


def test_mark_ineligible_requires_comment(officer):
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    response = fire(officer, app, "mark_ineligible", comment="   ")
    assert response.status_code == 400 and response.json()["unmet"] == ["A comment is required."]
    response = fire(officer, app, "mark_ineligible", comment="Foreign entity of concern.")
    assert response.status_code == 200 and response.json()["status"] == "ineligible"


def test_aor_withdraws(client_for):
    app = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW)
    response = fire(client_for(aor_of(app.organization)), app, "withdraw", comment="Financing fell through")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert response.json()["available_transitions"] == []


def test_history_hides_internal_comments_from_applicants(client_for, officer):
    app = ApplicationFactory(ready=True)
    aor = client_for(aor_of(app.organization))
    assert fire(aor, app, "submit").status_code == 200
    assert fire(officer, app, "start_screening", comment="Looks thin on permits").status_code == 200
    assert fire(officer, app, "request_revision", comment="Add the permits",
                response_due_at=_later(10).isoformat()).status_code == 200

    applicant_view = aor.get(f"/api/v1/applications/{app.pk}/history/").json()["results"]
    assert [(h["transition"], h["from_state"], h["to_state"]) for h in applicant_view] == [
        ("submit", "draft", "submitted"), ("start_screening", "submitted", "screening"),
        ("request_revision", "screening", "revision_requested")]
    assert [h["comment"] for h in applicant_view] == ["", "", "Add the permits"]
    assert applicant_view[0]["actor"] == aor_of(app.organization).username
    assert applicant_view[1]["actor"] == "Program office"
    assert all(h["at"] for h in applicant_view)

    officer_view = officer.get(f"/api/v1/applications/{app.pk}/history/").json()["results"]
    assert officer_view[1]["comment"] == "Looks thin on permits"


@pytest.mark.django_db(transaction=True)
def test_racing_transitions_change_the_state_once():
    """Two officers fire different transitions at the same moment: one wins, the other gets
    409 and nothing is half-done."""
    app = ApplicationFactory(status=ApplicationStatus.SCREENING)
    officers = [UserFactory(officer=True), UserFactory(officer=True)]
    results: list[tuple[str, int, str]] = []
    barrier = threading.Barrier(2)

    def run(user, name, body):
        client = APIClient()
        client.force_authenticate(user)
        barrier.wait()
        try:
            response = client.post(url(app, name), body, format="json")
            results.append((name, response.status_code, response.json().get("code", "")))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(officers[0], "mark_ineligible", {"comment": "No"})),
        threading.Thread(target=run, args=(officers[1], "request_revision",
                                           {"comment": "Fix", "response_due_at": _later(5).isoformat()})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    statuses = sorted(code for _, code, _ in results)
    assert statuses == [200, 409], results
    loser = next(r for r in results if r[1] == 409)
    assert loser[2] in ("invalid_transition", "conflict")
    winner = next(r for r in results if r[1] == 200)[0]
    app = Application.objects.get(pk=app.pk)
    assert app.status == {"mark_ineligible": "ineligible", "request_revision": "revision_requested"}[winner]
    assert TransitionLog.objects.filter(object_id=app.pk).count() == 1


def test_set_status_helper_is_not_a_transition():
    # Guard against a factory change making the visibility tests above vacuous.
    app = set_status(ApplicationFactory(), ApplicationStatus.SCREENING)
    assert app.status == ApplicationStatus.SCREENING and not TransitionLog.objects.exists()


def test_active_reviewer_sees_history_without_internal_comments(client_for, officer):
    from reviews.models import ReviewAssignment

    app = ApplicationFactory(ready=True)
    assert fire(client_for(aor_of(app.organization)), app, "submit").status_code == 200
    assert fire(officer, app, "start_screening", comment="Officer-only note").status_code == 200
    reviewer = UserFactory(reviewer=True)
    ReviewAssignment.objects.create(application=app, reviewer=reviewer, due_at=_later(30), status="active")
    history = client_for(reviewer).get(f"/api/v1/applications/{app.pk}/history/")
    assert history.status_code == 200
    assert [h["comment"] for h in history.json()["results"]] == ["", ""]
    assert "Officer-only note" not in history.content.decode()
