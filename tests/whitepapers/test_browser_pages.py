"""The white-paper pages in a real browser at 1280 and 390 px, for the applicant and the
officer: no WCAG 2.1 AA violation (axe-core), no sideways scrolling on a phone, and no
internal codes on screen (tests/e2e/browser.py does the checking)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright

from tests.e2e import browser
from tests.factories import UserFactory

from .helpers import aor_for, discouraged, draft, encouraged, submitted, two_step_opportunity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Codes that are never English ("encouraged" is also a word in the pages' prose; status
# labels are checked by the page tests).
INTERNAL_CODES = re.compile(r"\b(white_paper|proposal_due_at|white_paper_closes_at|cooperative_agreement)\b")


@pytest.fixture
def world(settings):
    settings.ALLOWED_HOSTS = ["*"]
    opp = two_step_opportunity(number="FA8650-26-S-0077")
    paper = draft(opportunity=opp, title="Gallium recovery from alumina liquor")
    org, aor = paper.organization, aor_for(paper)
    sent = submitted(opportunity=opp, organization=org, aor=aor, title="Germanium from zinc residues")
    good = encouraged(opportunity=opp, organization=org, aor=aor, title="Antimony metal line")
    bad = discouraged(opportunity=opp, organization=org, aor=aor, title="Bismuth refinery")
    return {"opp": opp, "aor": aor, "papers": [paper, sent, good, bad],
            "officer": UserFactory(officer=True, username="po_okafor")}


def test_white_paper_pages_are_accessible_and_fit_a_phone(live_server, world):
    papers, opp = world["papers"], world["opp"]
    details = [reverse("whitepapers:detail", args=[p.pk]) for p in papers]
    crawl = {
        "applicant": (world["aor"], [reverse("whitepapers:list"), f"{reverse('whitepapers:create')}?opportunity={opp.pk}",
                                     reverse("whitepapers:edit", args=[papers[0].pk]),
                                     reverse("whitepapers:document_upload", args=[papers[0].pk]),
                                     reverse("applications:opportunity_detail", args=[opp.pk]), *details]),
        "officer": (world["officer"], [reverse("whitepapers:list") + "?status=submitted", details[1], details[2]]),
    }
    sessions = {label: (browser.session_cookie(user), paths) for label, (user, paths) in crawl.items()}
    problems = []
    with sync_playwright() as p:
        chromium = browser.launch(p)
        for label, (session, paths) in sessions.items():
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
