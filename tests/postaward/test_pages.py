"""Post-award pages: the recipient's due list (on their dashboard), the award's post-award
page, the report form, and the officer's portfolio."""

import datetime as dt

import pytest

from postaward import services
from postaward.choices import ReportKind, ReportStatus
from postaward.models import Report

from .helpers import accepted_award, aor, officer

pytestmark = pytest.mark.django_db


def test_recipient_dashboard_lists_what_is_due_in_date_order(client):
    award = accepted_award()
    services.milestone_create(actor=officer(), award=award, title="Site works complete",
                              due_date=award.period_start + dt.timedelta(days=200))
    client.force_login(aor(award))
    html = client.get("/applications/").content.decode()
    assert "What is due" in html and "Milestone: Site works complete" in html
    page = client.get("/post-award/due/").content.decode()
    first_report = Report.objects.filter(award=award).order_by("due_at").first()
    assert page.index(f"/post-award/reports/{first_report.pk}/") < page.index("Milestone: Site works complete")


def test_award_page_and_report_form_save_and_show_errors(client):
    award = accepted_award()
    client.force_login(aor(award))
    page = client.get(f"/post-award/awards/{award.pk}/")
    assert page.status_code == 200 and "Propose a modification" in page.content.decode()
    report = Report.objects.filter(award=award, kind=ReportKind.FINANCIAL, final=False).order_by("due_at").first()
    r = client.post(f"/post-award/reports/{report.pk}/", {
        "federal_cash_receipts": "100.00", "federal_cash_disbursements": "50.00",
        "federal_share_of_expenditures": "400.00", "recipient_share_of_expenditures": "0",
        "federal_share_of_unliquidated_obligations": "0", "program_income": ""})
    html = r.content.decode()
    assert r.status_code == 200 and "cannot exceed federal cash receipts plus" in html
    assert "Enter the program income" in html
    r = client.post(f"/post-award/reports/{report.pk}/", {
        "federal_cash_receipts": "100.00", "federal_cash_disbursements": "50.00",
        "federal_share_of_expenditures": "100.00", "recipient_share_of_expenditures": "0",
        "federal_share_of_unliquidated_obligations": "0", "program_income": "0"})
    assert r.status_code == 302
    client.post(f"/post-award/reports/{report.pk}/transitions/submit/")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_portfolio_is_for_federal_staff(client):
    award = accepted_award()
    client.force_login(aor(award))
    assert client.get("/post-award/portfolio/").status_code == 403
    client.force_login(officer())
    html = client.get("/post-award/portfolio/").content.decode()
    assert award.award_number in html and "$10,000,000.00" in html


def test_officer_sets_a_milestone_from_the_page(client):
    award = accepted_award()
    client.force_login(officer())
    due = (award.period_start + dt.timedelta(days=10)).isoformat()
    r = client.post(f"/post-award/awards/{award.pk}/milestones/", {"title": "Permit", "due_date": due})
    assert r.status_code == 302
    assert award.milestones.get().title == "Permit"
