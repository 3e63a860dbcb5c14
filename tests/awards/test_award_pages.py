"""HTML pages: award list/detail, accept and rescind, negotiation form, issuance, funds."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from applications.choices import ApplicationStatus, Instrument
from awards.choices import AwardStatus
from awards.models import Award, AwardTerms
from tests.awards.factories import issue, issuing_officer, negotiation_app
from tests.factories import UserFactory, aor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client
    return as_user


def test_officer_saves_loan_terms_previews_the_schedule_and_issues_the_award(login):
    app = negotiation_app(with_terms=False, instrument=Instrument.LOAN, federal_amount=Decimal("2000000.00"))
    client = login(issuing_officer())
    url = reverse("awards:terms", args=[app.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Remaining in the opportunity" in page.content
    form = {
        "instrument": "loan", "federal_amount": "2000000.00", "cost_share_amount": "2000000.00",
        "period_start": "2027-01-01", "period_end": "2030-01-01", "conditions": "Report quarterly.\nBuy American.",
        "principal": "2000000.00", "annual_rate_percent": "5", "term_months": "36", "grace_months": "0",
        "payment_frequency": "annual", "first_payment_date": "2028-01-01", "version": "0",
    }
    preview = client.post(url, {**form, "action": "preview"})
    assert preview.status_code == 200
    assert b"Schedule preview" in preview.content and b"2030-01-01" in preview.content
    assert not AwardTerms.objects.exists()  # a preview saves nothing

    saved = client.post(url, {**form, "action": "save"})
    assert saved.status_code == 302
    terms = AwardTerms.objects.get()
    assert terms.conditions == ["Report quarterly.", "Buy American."] and terms.version == 1

    issued = client.post(reverse("awards:issue", args=[app.pk]))
    award = Award.objects.get()
    assert issued.status_code == 302 and issued["Location"] == reverse("awards:detail", args=[award.pk])
    assert award.loan.term_months == 36
    assert award.obligation.amount == Decimal("200000.00")


def test_terms_form_shows_service_errors_per_field(login):
    app = negotiation_app(with_terms=False)
    response = login(issuing_officer()).post(reverse("awards:terms", args=[app.pk]), {
        "instrument": "grant", "federal_amount": "90000000.00", "cost_share_amount": "0",
        "period_start": "2027-01-01", "period_end": "2026-01-01", "action": "save",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "maximum award" in errors["federal_amount"][0]
    assert "must end after it starts" in errors["period_end"][0]


def test_issue_failure_shows_every_unmet_condition(login):
    app = negotiation_app(with_terms=False)
    client = login(issuing_officer())
    response = client.post(reverse("awards:issue", args=[app.pk]), follow=True)
    assert b"Draft and save the award terms" in response.content
    assert not Award.objects.exists()


def test_terms_page_is_403_for_applicants_and_404_for_strangers(login, client):
    app = negotiation_app()
    assert login(aor_of(app.organization)).get(reverse("awards:terms", args=[app.pk])).status_code == 403
    client.logout()
    assert login(UserFactory()).get(reverse("awards:terms", args=[app.pk])).status_code == 404


def test_applicant_sees_their_award_and_accepts_it_before_the_deadline(login):
    award = issue(negotiation_app())
    client = login(aor_of(award.application.organization))
    listing = client.get(reverse("awards:list"))
    assert award.award_number.encode() in listing.content
    detail = client.get(reverse("awards:detail", args=[award.pk]))
    assert b"Accept award" in detail.content
    assert b"being generated" in detail.content
    aor = aor_of(award.application.organization)
    response = client.post(reverse("awards:accept", args=[award.pk]),
                           {"certify": "on", "signature": aor.get_full_name() or aor.username})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.ACCEPTED


def test_accept_button_is_gone_after_the_deadline(login):
    award = issue(negotiation_app())
    client = login(aor_of(award.application.organization))
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(minutes=1)):
        assert b"Accept award" not in client.get(reverse("awards:detail", args=[award.pk])).content
        client.post(reverse("awards:accept", args=[award.pk]))
    award.refresh_from_db()
    assert award.status == AwardStatus.PENDING_ACCEPTANCE


def test_officer_sees_failure_reason_and_rescinds_after_the_deadline(login):
    award = issue(negotiation_app())
    Award.objects.filter(pk=award.pk).update(letter_status="failed", letter_error="WeasyPrint exploded")
    officer = issuing_officer()
    client = login(officer)
    page = client.get(reverse("awards:detail", args=[award.pk]))
    assert b"WeasyPrint exploded" in page.content and b"Regenerate the letter" in page.content
    assert b"Rescind award" not in page.content
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(days=2)):
        client = login(officer)  # the earlier session has expired by then
        assert b"Rescind award" in client.get(reverse("awards:detail", args=[award.pk])).content
        client.post(reverse("awards:rescind", args=[award.pk]), {"comment": "Not accepted."})
    award.refresh_from_db()
    assert award.status == AwardStatus.RESCINDED
    assert award.obligation.released_at is not None


def test_award_pages_are_404_for_other_organizations(login):
    award = issue(negotiation_app())
    client = login(UserFactory())
    assert client.get(reverse("awards:detail", args=[award.pk])).status_code == 404
    assert client.post(reverse("awards:accept", args=[award.pk])).status_code == 404
    assert award.award_number.encode() not in client.get(reverse("awards:list")).content


def test_funds_page_for_officers(login):
    award = issue(negotiation_app())
    opp = award.application.opportunity
    page = login(issuing_officer()).get(reverse("awards:funds", args=[opp.pk]))
    assert page.status_code == 200
    assert page.context["funds"]["obligated"] == Decimal("10000000.00")
    assert b"$90,000,000.00" in page.content  # available of the 100M default ceiling


def test_funds_page_is_forbidden_to_applicants(login):
    award = issue(negotiation_app())
    response = login(aor_of(award.application.organization)).get(
        reverse("awards:funds", args=[award.application.opportunity_id]))
    assert response.status_code == 403


def test_loan_award_page_shows_the_schedule_and_csv_download(login):
    award = issue(negotiation_app(instrument=Instrument.LOAN, federal_amount=Decimal("1000000.00")))
    client = login(aor_of(award.application.organization))
    page = client.get(reverse("awards:detail", args=[award.pk]))
    assert len(page.context["schedule"]) == 120
    csv_response = client.get(reverse("awards:schedule_csv", args=[award.pk]))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode().splitlines()[0] == "number,due_date,payment,interest,principal,balance"


def test_terms_page_of_a_declined_application_without_terms_is_404(login):
    app = negotiation_app(with_terms=False, status=ApplicationStatus.DECLINED)
    assert login(issuing_officer()).get(reverse("awards:terms", args=[app.pk])).status_code == 404


def test_acceptance_needs_the_certification_and_the_signers_own_name(login):
    award = issue(negotiation_app())
    aor = aor_of(award.application.organization)
    aor.first_name, aor.last_name = "Dana", "Whitfield"
    aor.save(update_fields=["first_name", "last_name"])
    client = login(aor)
    url = reverse("awards:accept", args=[award.pk])
    blank = client.post(url, {})
    assert blank.status_code == 400
    html = blank.content.decode()
    assert "Check the certification to accept the award." in html and "Type your full name" in html
    assert "data-open-on-load" in html  # the dialog reopens on its errors
    wrong = client.post(url, {"certify": "on", "signature": "Someone Else"})
    assert wrong.status_code == 400
    award.refresh_from_db()
    assert award.status == AwardStatus.PENDING_ACCEPTANCE
    ok = client.post(url, {"certify": "on", "signature": "  dana   whitfield "})
    assert ok.status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.ACCEPTED
    # Recorded with the acceptance: the log row (shown to officers) and its audit event.
    from applications.models import TransitionLog
    from audit.models import AuditEvent
    log = TransitionLog.objects.get(transition="accept", object_id=award.pk)
    assert "/s/ dana whitfield, " in log.comment and "I certify that I am the authorized" in log.comment
    assert AuditEvent.objects.filter(action="accept", changes__comment=log.comment).exists()
    officer = UserFactory(officer=True)
    client.force_login(officer)
    assert "/s/ dana whitfield" in client.get(reverse("awards:detail", args=[award.pk])).content.decode()


def test_letter_status_fragment_polls_until_the_letter_is_ready(login):
    award = issue(negotiation_app())
    client = login(aor_of(award.application.organization))
    Award.objects.filter(pk=award.pk).update(letter_status="pending")
    pending = client.get(reverse("awards:letter_status", args=[award.pk])).content.decode()
    assert "data-poll-url" in pending and "being generated" in pending
    detail = client.get(reverse("awards:detail", args=[award.pk])).content.decode()
    assert 'id="letter-status"' in detail and "data-poll-url" in detail
    Award.objects.filter(pk=award.pk).update(letter_status="failed")
    failed = client.get(reverse("awards:letter_status", args=[award.pk])).content.decode()
    assert "data-poll-url" not in failed and "could not be generated" in failed
