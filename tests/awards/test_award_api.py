"""REST API v1 for awards: terms, awards, letter, schedule, accept, rescind, funds."""

import csv
import datetime as dt
import io
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import MemberRole
from applications.choices import ApplicationStatus, Instrument
from awards.choices import AwardStatus, LetterStatus
from awards.models import Award
from tests.awards.factories import issue, issuing_officer, negotiation_app
from tests.factories import MembershipFactory, OpportunityFactory, UserFactory, aor_of

pytestmark = pytest.mark.django_db

TERMS = {
    "instrument": "loan", "federal_amount": "8000000.00", "cost_share_amount": "8000000.00",
    "period_start": "2027-01-01", "period_end": "2030-01-01", "conditions": ["Report quarterly."],
    "loan": {"principal": "8000000.00", "annual_rate_percent": "4.5000", "term_months": 24,
             "grace_months": 6, "payment_frequency": "quarterly", "first_payment_date": "2027-04-15"},
}


def _loan_award():
    return issue(negotiation_app(instrument=Instrument.LOAN, federal_amount=Decimal("1000000.00")))


# ---------------------------------------------------------------- terms


def test_officer_puts_loan_terms_and_get_adds_a_schedule_preview(client_for):
    app = negotiation_app(with_terms=False, instrument=Instrument.LOAN)
    client = client_for(issuing_officer())
    response = client.put(f"/api/v1/applications/{app.pk}/terms/", TERMS, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 1
    assert body["federal_amount"] == "8000000.00"
    assert body["obligation"] == "800000.00"  # 10% credit subsidy
    assert body["loan"]["payment_frequency"] == "quarterly"

    body = client.get(f"/api/v1/applications/{app.pk}/terms/").json()
    preview = body["schedule_preview"]
    assert len(preview) == 8  # 24 months quarterly
    assert preview[0] == {"number": 1, "due_date": "2027-04-15", "payment": "90000.00",
                          "interest": "90000.00", "principal": "0.00", "balance": "8000000.00"}
    assert preview[-1]["balance"] == "0.00"
    assert sum(Decimal(r["principal"]) for r in preview) == Decimal("8000000.00")


def test_terms_errors_come_back_per_field_with_loan_fields_nested(client_for):
    app = negotiation_app(with_terms=False, instrument=Instrument.LOAN)
    bad = {**TERMS, "federal_amount": "90000000.00",
           "loan": {**TERMS["loan"], "principal": "90000000.00", "term_months": 25}}
    response = client_for(issuing_officer()).put(f"/api/v1/applications/{app.pk}/terms/", bad, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "maximum award" in body["federal_amount"][0]
    assert "not a whole number of quarterly periods" in body["loan"]["term_months"][0]


def test_stale_terms_version_is_a_conflict_and_the_current_one_saves(client_for):
    app = negotiation_app()  # terms at version 1
    response = client_for(issuing_officer()).put(
        f"/api/v1/applications/{app.pk}/terms/", {**TERMS, "instrument": "grant", "loan": None, "version": 0},
        format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    response = client_for(issuing_officer()).put(
        f"/api/v1/applications/{app.pk}/terms/", {**TERMS, "instrument": "grant", "loan": None, "version": 1},
        format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["version"], response.json()["loan"], response.json()["schedule_preview"]) == (2, None, None)


def test_terms_are_for_officers_and_hidden_from_strangers(client_for):
    app = negotiation_app()
    assert client_for(aor_of(app.organization)).get(f"/api/v1/applications/{app.pk}/terms/").status_code == 403
    assert client_for(UserFactory()).get(f"/api/v1/applications/{app.pk}/terms/").status_code == 404
    selected = negotiation_app(with_terms=False, status=ApplicationStatus.SELECTED)
    response = client_for(issuing_officer()).put(f"/api/v1/applications/{selected.pk}/terms/", TERMS, format="json")
    assert response.status_code == 409


# ---------------------------------------------------------------- awards


def test_award_detail_has_the_documented_shape(client_for):
    award = issue(negotiation_app())
    body = client_for(aor_of(award.application.organization)).get(f"/api/v1/awards/{award.pk}/").json()
    for key in ("id", "award_number", "application", "instrument", "federal_amount", "cost_share_amount",
                "period_start", "period_end", "status", "acceptance_due_at", "letter"):
        assert key in body
    assert body["federal_amount"] == "10000000.00"
    assert body["status"] == "pending_acceptance"
    assert body["letter"] == {"status": "pending", "sha256": None, "url": None, "error": None}


def test_award_list_shows_members_their_awards_and_officers_all(client_for):
    mine = issue(negotiation_app())
    other = issue(negotiation_app())
    member = aor_of(mine.application.organization)
    ids = [a["id"] for a in client_for(member).get("/api/v1/awards/").json()["results"]]
    assert ids == [mine.pk]
    officer_ids = {a["id"] for a in client_for(issuing_officer()).get("/api/v1/awards/").json()["results"]}
    assert officer_ids == {mine.pk, other.pk}
    assert client_for(UserFactory()).get("/api/v1/awards/").json()["count"] == 0


def test_awards_of_other_organizations_are_404_everywhere(client_for):
    award = _loan_award()
    stranger = client_for(UserFactory())
    for path in ("", "letter/", "schedule/"):
        assert stranger.get(f"/api/v1/awards/{award.pk}/{path}").status_code == 404
    assert stranger.post(f"/api/v1/awards/{award.pk}/accept/").status_code == 404
    assert stranger.post(f"/api/v1/awards/{award.pk}/rescind/", {"comment": "x"}).status_code == 404


def test_letter_is_404_letter_not_ready_until_generated_then_a_pdf(client_for):
    award = issue(negotiation_app())
    client = client_for(aor_of(award.application.organization))
    response = client.get(f"/api/v1/awards/{award.pk}/letter/")
    assert response.status_code == 404
    assert response.json()["code"] == "letter_not_ready"

    award.letter_file.save("x.pdf", ContentFile(b"%PDF-1.7 letter"), save=False)
    award.letter_status, award.letter_sha256 = LetterStatus.READY, "a" * 64
    award.save()
    response = client.get(f"/api/v1/awards/{award.pk}/letter/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 letter"
    letter = client.get(f"/api/v1/awards/{award.pk}/").json()["letter"]
    assert letter["sha256"] == "a" * 64
    assert letter["url"].endswith(f"/api/v1/awards/{award.pk}/letter/")


def test_schedule_as_json_and_csv(client_for):
    award = _loan_award()
    client = client_for(aor_of(award.application.organization))
    rows = client.get(f"/api/v1/awards/{award.pk}/schedule/").json()
    assert len(rows) == 120
    assert set(rows[0]) == {"number", "due_date", "payment", "interest", "principal", "balance"}
    assert rows[0]["principal"] == "0.00"  # 12 grace months, interest only
    assert rows[-1]["balance"] == "0.00"

    response = client.get(f"/api/v1/awards/{award.pk}/schedule/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    parsed = list(csv.reader(io.StringIO(response.content.decode())))
    assert parsed[0] == ["number", "due_date", "payment", "interest", "principal", "balance"]
    assert len(parsed) == 121
    assert parsed[1] == [str(v) for v in rows[0].values()]
    assert sum(Decimal(r[4]) for r in parsed[1:]) == Decimal("1000000.00")


def test_schedule_is_404_for_grants(client_for):
    award = issue(negotiation_app())
    response = client_for(issuing_officer()).get(f"/api/v1/awards/{award.pk}/schedule/")
    assert response.status_code == 404


def test_aor_accepts_and_a_retried_request_with_the_same_key_replays(client_for):
    award = issue(negotiation_app())
    client = client_for(aor_of(award.application.organization))
    first = client.post(f"/api/v1/awards/{award.pk}/accept/", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 200 and first.json()["status"] == "accepted"
    again = client.post(f"/api/v1/awards/{award.pk}/accept/", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    without_key = client.post(f"/api/v1/awards/{award.pk}/accept/")
    assert without_key.status_code == 409  # already accepted: invalid_transition


def test_accept_after_deadline_is_400_and_contributors_get_403(client_for):
    award = issue(negotiation_app())
    contributor = MembershipFactory(organization=award.application.organization, role=MemberRole.CONTRIBUTOR).user
    assert client_for(contributor).post(f"/api/v1/awards/{award.pk}/accept/").status_code == 403
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(minutes=1)):
        response = client_for(aor_of(award.application.organization)).post(f"/api/v1/awards/{award.pk}/accept/")
    assert response.status_code == 400 and response.json()["code"] == "conditions_unmet"


def test_officer_rescinds_after_the_deadline_and_funds_show_the_money_back(client_for):
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("30000000.00"))
    award = issue(negotiation_app(opportunity=opp))
    officer = client_for(issuing_officer())
    funds = officer.get(f"/api/v1/opportunities/{opp.pk}/funds/").json()
    assert (funds["budget_ceiling"], funds["obligated"], funds["available"]) == (
        "30000000.00", "10000000.00", "20000000.00")
    assert client_for(aor_of(award.application.organization)).post(
        f"/api/v1/awards/{award.pk}/rescind/", {"comment": "x"}).status_code == 403
    assert officer.post(f"/api/v1/awards/{award.pk}/rescind/", {"comment": "Lapsed"}).status_code == 400
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(days=1)):
        response = officer.post(f"/api/v1/awards/{award.pk}/rescind/", {"comment": "Lapsed"})
    assert response.status_code == 200 and response.json()["status"] == AwardStatus.RESCINDED
    funds = officer.get(f"/api/v1/opportunities/{opp.pk}/funds/").json()
    assert (funds["obligated"], funds["available"]) == ("0.00", "30000000.00")
    assert {"by_instrument", "by_mineral"} <= set(funds)


def test_funds_are_for_officers_only(client_for):
    opp = OpportunityFactory()
    assert client_for(UserFactory()).get(f"/api/v1/opportunities/{opp.pk}/funds/").status_code == 403
    assert client_for(issuing_officer()).get("/api/v1/opportunities/999999/funds/").status_code == 404


def test_officer_regenerates_a_failed_letter(client_for):
    award = issue(negotiation_app())
    Award.objects.filter(pk=award.pk).update(letter_status=LetterStatus.FAILED, letter_error="font missing")
    officer = client_for(issuing_officer())
    assert officer.get(f"/api/v1/awards/{award.pk}/").json()["letter"]["error"] == "font missing"
    member_view = client_for(aor_of(award.application.organization)).get(f"/api/v1/awards/{award.pk}/").json()
    assert member_view["letter"]["error"] is None
    with mock.patch("awards.tasks.generate_award_letter.delay") as delay:
        response = officer.post(f"/api/v1/awards/{award.pk}/regenerate-letter/")
    assert response.status_code == 202
    assert response.json()["letter"]["status"] == "pending"
    assert client_for(aor_of(award.application.organization)).post(
        f"/api/v1/awards/{award.pk}/regenerate-letter/").status_code == 403
    delay.assert_not_called()  # queued on commit, and this test's transaction never commits


# ---------------------------------------------------------------- the award transition over HTTP


def test_award_transition_via_the_api_and_budget_failure_lists_unmet(client_for):
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("15000000.00"))
    first, second = negotiation_app(opportunity=opp), negotiation_app(opportunity=opp)
    officer = client_for(issuing_officer())
    response = officer.post(f"/api/v1/applications/{first.pk}/transitions/award/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "awarded"
    response = officer.post(f"/api/v1/applications/{second.pk}/transitions/award/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "conditions_unmet"
    assert "budget remains" in response.json()["unmet"][0]
    assert Award.objects.count() == 1


def test_award_list_query_count_does_not_grow_with_the_number_of_awards(client_for, django_assert_max_num_queries):
    officer = issuing_officer()
    client = client_for(officer)
    issue(negotiation_app())
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/awards/")
    for _ in range(4):
        issue(negotiation_app())
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/api/v1/awards/").json()["count"] == 5
