"""The whole journey in a real browser, through the web pages only.

An applicant registers, registers the organization and the project, applies, uploads the
documents and submits with the keyboard alone; the officer screens and assigns three
reviewers; each reviewer certifies no conflict and scores; the officer ranks, selects,
negotiates and issues the award; the applicant accepts it with the certification and a typed
signature and downloads the letter. Every page visited is checked with axe-core at 1280 and
390 px (zero WCAG 2.1 A/AA violations) and must not scroll sideways on the phone; problems
are collected and reported together at the end. Screenshots go to .artifacts/screenshots/.

Staff accounts come from the database (they cannot self-register) and sign in with a session
made by Django's test client (browser.session_cookie), so a second factor does not have to be
typed; the applicant signs up and signs in through the pages. Celery runs eagerly, so the
award letter is generated inside the request that issues the award.
"""

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import sync_playwright

from applications.choices import ApplicationStatus
from applications.models import Application, Mineral
from awards.choices import AwardStatus
from awards.models import Award
from tests.e2e import browser
from tests.factories import OpportunityFactory, UserFactory, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Clayton-Valley-Brine-2026"
START = timezone.localdate() + dt.timedelta(days=120)
END = START + dt.timedelta(days=3 * 365)
BUDGET = {"personnel": "1,200,000", "fringe": "300,000", "equipment": "9,000,000",
          "construction": "5,000,000", "indirect": "500,000"}  # = 16,000,000 total project cost


class Journey:
    """Pages visited, each audited at both widths; every problem kept for one report."""

    def __init__(self):
        self.problems: list[str] = []
        self.audited: list[str] = []

    def audit(self, page, label: str) -> None:
        path = page.url.split("://", 1)[1].split("/", 1)[1] if "://" in page.url else page.url
        name = f"journey_{len(self.audited):02d}_{label}"
        self.audited.append(f"{label} /{path}")
        for width in browser.WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for v in browser.axe_violations(page):
                self.problems.append(f"{label} /{path} at {width}px: axe {v['id']} ({v['impact']}): {v['help']} {v['nodes']}")
            if width < 600 and (overflow := browser.sideways_overflow(page)) > 0:
                self.problems.append(f"{label} /{path} at {width}px: scrolls sideways by {overflow}px")
            browser.screenshot(page, name, width)
        page.set_viewport_size({"width": 1280, "height": 900})

    def expect_ok(self, page, label: str) -> None:
        errors = page.locator(".usa-alert--error")
        if errors.count():
            self.problems.append(f"{label}: unexpected error on /{page.url.split('/', 3)[-1]}: "
                                 f"{errors.first.inner_text()[:300]}")


@pytest.fixture
def cast(settings, celery_eager):
    settings.ALLOWED_HOSTS = ["*"]
    # Transactional tests empty the reference tables; the project form lists these.
    for name, symbol in (("Antimony", "Sb"), ("Gallium", "Ga"), ("Lithium", "Li"), ("Cobalt", "Co")):
        Mineral.objects.get_or_create(name=name, defaults={"symbol": symbol})
    opp = OpportunityFactory(number="FA8650-26-S-0077", title="Domestic lithium refining",
                             instruments=["grant", "loan"], max_award="10000000.00", min_cost_share_percent="40")
    officer = UserFactory(officer=True, username="po_rivera", first_name="Ana", last_name="Rivera")
    reviewers = [UserFactory(reviewer=True, username=f"rev_{n.lower()}", first_name=n, last_name="Okafor")
                 for n in ("Ada", "Ben", "Cai")]
    return {"opp": opp, "officer": browser.session_cookie(officer),
            "reviewers": [(r.get_full_name(), browser.session_cookie(r)) for r in reviewers]}


def test_whole_journey_through_the_pages(live_server, cast):
    journey = Journey()
    opp_id = cast["opp"].pk
    files = Path(tempfile.mkdtemp())
    for name in ("technical-report", "budget-justification"):
        (files / f"{name}.pdf").write_bytes(pdf_bytes(name))

    with sync_playwright() as p:
        chromium = browser.launch(p)
        applicant = browser.new_context(chromium, live_server.url, 1280).new_page()
        officer = browser.new_context(chromium, live_server.url, 1280, cast["officer"]).new_page()

        # ---- the applicant: account, organization, project
        applicant.goto(reverse("accounts:register"))
        journey.audit(applicant, "register")
        for field, value in {"username": "maria", "email": "maria@nevada-lithium.example.com",
                             "first_name": "Maria", "last_name": "Lopez", "password": PASSWORD,
                             "password_confirm": PASSWORD}.items():
            applicant.fill(f"#id_{field}", value)
        applicant.click("button:has-text('Create account')")
        journey.audit(applicant, "organizations")
        applicant.click("text=Register an organization")
        journey.audit(applicant, "organization_form")
        for field, value in {"legal_name": "Nevada Lithium Refining LLC", "uei": "NVL1THREF2A9",
                             "ein": "882345671", "cage_code": "7NV21", "naics_code": "331410",
                             "address_line1": "1 Brine Flats Road", "city": "Silver Peak",
                             "postal_code": "89047", "congressional_district": "NV-004",
                             "owners-0-name": "Silver Peak Founders LP", "owners-0-percent": "100"}.items():
            applicant.fill(f"#id_{field}", value)
        applicant.select_option("#id_location", "US-NV")
        applicant.select_option("#id_owners-0-country", "US")
        applicant.click("form.usa-form button[type=submit]")
        journey.expect_ok(applicant, "organization saved")
        journey.audit(applicant, "organization")

        applicant.goto(reverse("applications:project_create"))
        journey.audit(applicant, "project_form")
        applicant.fill("#id_name", "Clayton Valley Lithium Refinery")
        applicant.select_option("#id_facility_type", "refining")
        applicant.select_option("#id_stage", "construction")
        applicant.fill("#id_annual_capacity_tonnes", "20000")
        applicant.fill("#id_description", "Battery-grade lithium carbonate.")
        applicant.select_option("#id_location", "US-NV")
        applicant.fill("#id_county", "Esmeralda")
        applicant.fill("#id_latitude", "37.754")
        applicant.fill("#id_longitude", "-117.635")
        applicant.click(".site-mineral-list label:text-is('Lithium')")
        applicant.click("form.usa-form button[type=submit]")
        journey.expect_ok(applicant, "project saved")
        journey.audit(applicant, "projects")

        # ---- apply, upload, submit with the keyboard
        applicant.goto(reverse("dashboard"))
        journey.audit(applicant, "dashboard")
        applicant.goto(f"{reverse('applications:create')}?opportunity={opp_id}")
        journey.audit(applicant, "application_form")
        applicant.fill("#id_title", "Clayton Valley refinery construction")
        applicant.select_option("#id_instrument", "grant")
        applicant.fill("#id_federal_amount_requested", "8,000,000")
        applicant.fill("#id_cost_share_amount", "8,000,000")
        applicant.fill("#id_period_start", START.isoformat())
        applicant.fill("#id_period_end", END.isoformat())
        applicant.fill("#id_summary", "Build a 20,000 t/yr lithium carbonate refinery.")
        for name, amount in BUDGET.items():
            applicant.fill(f"#id_budget_{name}", amount)
        applicant.click("form.usa-form button[type=submit]")
        journey.expect_ok(applicant, "application saved")
        journey.audit(applicant, "application_draft")
        detail = applicant.url
        for kind, name in (("technical_report", "technical-report"), ("budget_justification", "budget-justification")):
            applicant.click("text=Upload a document")
            applicant.select_option("#id_kind", kind)
            applicant.set_input_files("#id_file", str(files / f"{name}.pdf"))
            applicant.click("form.usa-form button[type=submit]")
            journey.expect_ok(applicant, f"{kind} uploaded")
        journey.audit(applicant, "application_with_documents")
        applicant.goto(detail)
        _tab_to(applicant, "[data-opens-confirm='submit']")
        applicant.keyboard.press("Enter")
        applicant.wait_for_selector("#confirm-submit [data-confirm-submit]", state="visible")
        journey.audit(applicant, "submit_dialog")
        _tab_to(applicant, "#confirm-submit [data-confirm-submit]")
        with applicant.expect_navigation():
            applicant.keyboard.press("Enter")
        journey.expect_ok(applicant, "submitted")
        journey.audit(applicant, "application_submitted")
        app_id = int(re.search(r"/applications/(\d+)/", applicant.url).group(1))

        # ---- the officer screens and assigns three reviewers
        officer.goto(reverse("applications:officer_queue"))
        journey.audit(officer, "queue")
        officer.click("text=Clayton Valley refinery construction")
        officer.click("#action-start_screening button[type=submit]")
        journey.expect_ok(officer, "screening started")
        journey.audit(officer, "application_screening")
        officer.goto(reverse("reviews:application_assignments", args=[app_id]))
        for name, _ in cast["reviewers"]:
            officer.select_option("#id_reviewer", label=name)
            officer.click("form.usa-form button[type=submit]")
            journey.expect_ok(officer, f"{name} assigned")
        journey.audit(officer, "assignments")
        officer.goto(reverse("applications:detail", args=[app_id]))
        officer.click("#action-open_review button[type=submit]")
        journey.expect_ok(officer, "review opened")

        # ---- three reviewers certify no conflict and score
        for position, (name, session) in enumerate(cast["reviewers"]):
            page = browser.new_context(chromium, live_server.url, 1280, session).new_page()
            page.goto(reverse("reviews:workspace"))
            journey.audit(page, f"reviewer{position}_workspace")
            page.click("a:has-text('Certify conflict of interest')")
            if position == 0:
                journey.audit(page, "coi")
            page.click("label:has-text('No, I have no conflict of interest')")
            page.click("button:has-text('Certify')")
            journey.expect_ok(page, f"{name} certified")
            for radio in page.locator("input[type=radio][id^='id_score_'][value='4']").all():
                page.click(f"label[for='{radio.get_attribute('id')}']")
            page.fill("#id_overall_comment", f"{name}: a credible plan with a committed offtaker.")
            if position == 0:
                journey.audit(page, "scoring")
            page.click("[data-opens-confirm='submit-review']")
            page.wait_for_selector("#confirm-submit-review [data-confirm-submit]", state="visible")
            if position == 0:
                journey.audit(page, "submit_review_dialog")
            page.click("#confirm-submit-review [data-confirm-submit]")
            journey.expect_ok(page, f"{name} submitted")
            if position == 2:
                journey.audit(page, "review_submitted")
            page.context.close()

        # ---- the officer ranks, selects, negotiates and issues
        officer.goto(reverse("reviews:ranking", args=[opp_id]))
        journey.audit(officer, "ranking")
        officer.click("text=Clayton Valley refinery construction")
        officer.click("#action-select button[type=submit]")
        journey.expect_ok(officer, "selected")
        officer.click("#action-begin_negotiation button[type=submit]")
        journey.expect_ok(officer, "negotiation")
        officer.goto(reverse("awards:terms", args=[app_id]))
        journey.audit(officer, "terms")
        officer.click("button[name=action][value=save]")
        journey.expect_ok(officer, "terms saved")
        officer.click("[data-opens-confirm='issue']")
        officer.wait_for_selector("#confirm-issue [data-confirm-submit]", state="visible")
        journey.audit(officer, "issue_dialog")
        officer.click("#confirm-issue [data-confirm-submit]")
        journey.expect_ok(officer, "issued")
        journey.audit(officer, "award_issued")
        officer.goto(reverse("dashboards:opportunity", args=[opp_id]))
        journey.audit(officer, "opportunity_dashboard")

        # ---- the applicant accepts with a certification and a typed signature
        applicant.goto(reverse("applications:detail", args=[app_id]))
        journey.audit(applicant, "application_awarded")
        applicant.click(".usa-summary-box__link")
        applicant.click("[data-opens-confirm='accept']")
        applicant.wait_for_selector("#confirm-accept [data-confirm-submit]", state="visible")
        applicant.click("#confirm-accept [data-confirm-submit]")  # nothing filled in: both errors at once
        applicant.wait_for_selector("#confirm-accept [data-error-summary]", state="visible")
        shown = applicant.inner_text("#confirm-accept")
        assert "Check the certification" in shown and "Type your full name" in shown
        journey.audit(applicant, "accept_dialog_errors")
        applicant.click("#confirm-accept label[for='id_certify']")
        applicant.fill("#confirm-accept #id_signature", "Maria Lopez")
        applicant.click("#confirm-accept [data-confirm-submit]")
        journey.expect_ok(applicant, "accepted")
        journey.audit(applicant, "award_accepted")
        with applicant.expect_download() as download:
            applicant.click("text=Download the award letter (PDF)")
        letter = Path(download.value.path()).read_bytes()
        chromium.close()

    assert journey.problems == [], "\n".join(journey.problems)
    assert letter.startswith(b"%PDF")
    app = Application.objects.get(pk=app_id)
    assert app.status == ApplicationStatus.AWARDED
    award = Award.objects.get(application=app)
    assert award.status == AwardStatus.ACCEPTED
    assert len(journey.audited) >= 25


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches ``selector`` (fails after ``limit``)."""
    for _ in range(limit):
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Could not reach {selector!r} with the Tab key")
