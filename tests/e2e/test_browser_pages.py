"""Every page each kind of user reaches, in a real browser at 1280 and 390 px: no WCAG 2.1
AA violation (axe-core), no sideways scrolling on a phone, no internal codes on screen; and
the applicant's submission done with the keyboard alone. Screenshots go to
``.artifacts/screenshots/`` (ignored by git) for people to look at."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import sync_playwright

from applications.choices import ApplicationStatus, DocumentKind
from reviews.choices import AssignmentStatus
from tests.awards.factories import issue, negotiation_app
from tests.e2e import browser
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    OpportunityFactory,
    UserFactory,
    aor_of,
)
from tests.reviews.factories import ReviewAssignmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Raw workflow codes that must never reach a page (labels come from the workflow table).
INTERNAL_CODES = re.compile(r"\b(revision_requested|under_review|pending_acceptance|pending_coi|loan_guarantee|"
                            r"cooperative_agreement|purchase_commitment|start_screening|request_revision)\b")


@pytest.fixture
def world(settings):
    settings.ALLOWED_HOSTS = ["*"]
    opp = OpportunityFactory(instruments=["grant", "loan"], number="FA8650-26-S-0042")
    draft = ApplicationFactory(opportunity=opp, title="Antimony trisulfide plant")
    org = draft.organization
    for kind in (DocumentKind.TECHNICAL_REPORT, DocumentKind.BUDGET_JUSTIFICATION):
        DocumentFactory(application=draft, kind=kind, uploaded_by=aor_of(org))
    submitted = ApplicationFactory(opportunity=opp, organization=org, project=draft.project,
                                   title="Antimony oxide expansion", status=ApplicationStatus.SUBMITTED)
    award = issue(negotiation_app(opportunity=opp, organization=org, project=draft.project,
                                  federal_amount=Decimal("12000000.00")))
    assignment = ReviewAssignmentFactory(application__opportunity=opp, status=AssignmentStatus.ACTIVE,
                                         has_conflict=False, due_at=timezone.now() + dt.timedelta(days=7))
    officer = UserFactory(officer=True, username="po_rivera", first_name="Ana", last_name="Rivera")
    return {"opp": opp, "draft": draft, "submitted": submitted, "award": award, "org": org,
            "aor": aor_of(org), "officer": officer, "assignment": assignment}


def pages_by_user(w) -> dict:
    opp, award = w["opp"], w["award"]
    return {
        "applicant": (w["aor"], [
            reverse("dashboard"), reverse("applications:list"), reverse("applications:detail", args=[w["draft"].pk]),
            reverse("applications:detail", args=[w["submitted"].pk]), reverse("applications:project_list"),
            reverse("accounts:organization_list"), reverse("accounts:organization_detail", args=[w["org"].pk]),
            reverse("applications:opportunity_detail", args=[opp.pk]), reverse("awards:list"),
            reverse("awards:detail", args=[award.pk]), reverse("notifications:list"),
        ]),
        "officer": (w["officer"], [
            reverse("dashboard"), reverse("applications:officer_queue"),
            reverse("applications:detail", args=[w["submitted"].pk]),
            reverse("applications:opportunity_list"), reverse("applications:opportunity_detail", args=[opp.pk]),
            reverse("reviews:ranking", args=[opp.pk]), reverse("reviews:opportunity_assign", args=[opp.pk]),
            reverse("awards:funds", args=[opp.pk]), reverse("awards:detail", args=[award.pk]),
            reverse("dashboards:opportunity", args=[opp.pk]), reverse("dashboards:search") + "?q=antimony",
        ]),
        "reviewer": (w["assignment"].reviewer, [
            reverse("reviews:workspace"), reverse("reviews:assignment", args=[w["assignment"].pk]),
            reverse("notifications:list"),
        ]),
    }


def test_every_page_is_accessible_and_fits_a_phone(live_server, world):
    problems = []
    crawl = {label: (browser.session_cookie(user), paths) for label, (user, paths) in pages_by_user(world).items()}
    with sync_playwright() as p:
        chromium = browser.launch(p)
        for label, (session, paths) in crawl.items():
            for width in browser.WIDTHS:
                context = browser.new_context(chromium, live_server.url, width, session)
                page = context.new_page()
                for path in paths:
                    problems += browser.check_page(page, path, label=label, width=width)
                    shown = page.inner_text("main") if page.locator("main").count() else ""
                    for code in sorted(set(INTERNAL_CODES.findall(shown))):
                        problems.append(f"{label} {path} at {width}px: shows the internal code '{code}'")
                context.close()
        chromium.close()
    assert problems == [], "\n".join(problems)


def test_applicant_signs_in_and_submits_with_the_keyboard_only(live_server, world):
    draft, aor = world["draft"], world["aor"]
    aor.set_password("Keyboard-Only-Submit-2026")
    aor.save(update_fields=["password"])
    with sync_playwright() as p:
        chromium = browser.launch(p)
        context = browser.new_context(chromium, live_server.url, 1280)
        page = context.new_page()
        page.goto(reverse("login"))
        page.keyboard.press("Tab")
        _tab_to(page, "#id_username")
        page.keyboard.type(aor.username)
        page.keyboard.press("Tab")
        page.keyboard.type("Keyboard-Only-Submit-2026")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.goto(reverse("applications:detail", args=[draft.pk]))
        # Submit opens a confirmation dialog; it is confirmed with the keyboard too.
        _tab_to(page, "[data-opens-confirm='submit']")
        page.keyboard.press("Enter")
        page.wait_for_selector("#confirm-submit [data-confirm-submit]", state="visible")
        _tab_to(page, "#confirm-submit [data-confirm-submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        browser.screenshot(page, "applicant_submitted_by_keyboard", 1280)
        context.close()
        chromium.close()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (fails after ``limit``)."""
    for _ in range(limit):
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Could not reach {selector!r} with the Tab key")
