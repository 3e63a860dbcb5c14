"""Helpers for the browser tests: Debian's Chromium driven by Playwright, axe-core checks,
sideways-scroll checks and screenshots.

Chromium comes from Debian (``/usr/bin/chromium``; ``playwright install`` cannot download
here), axe-core is vendored in ``tests/e2e/vendor/axe.min.js`` (npm axe-core 4.10.3,
MPL-2.0). The tests fail, never skip, when Chromium is missing: ``make test`` installs it.
"""

import os
import re
from pathlib import Path

from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".artifacts" / "screenshots"
WIDTHS = (1280, 390)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])


def session_cookie(user) -> str:
    """A signed-in session for ``user``, made by Django's test client, so staff pages can be
    crawled without typing a second factor each time. Call it before starting Playwright:
    the ORM refuses to run inside Playwright's event loop."""
    client = Client()
    client.force_login(user)
    _mark_second_factor_verified(client, user)
    return client.cookies["sessionid"].value


def new_context(browser, base_url: str, width: int, session: str | None = None):
    """A browser context at ``width`` px, signed in with ``session`` when given. bypass_csp
    lets the test inject axe-core; the page's own scripts still run under the policy."""
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=base_url, bypass_csp=True)
    if session is not None:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    return context


def _mark_second_factor_verified(client, user) -> None:
    """Staff sessions need a verified second factor once it is enforced (django-otp)."""
    try:
        from tests.auth_helpers import verify_otp_session  # provided with the second factor
    except ImportError:
        return
    verify_otp_session(client, user)


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A/AA violations axe-core finds on the current page."""
    # A dialog fading in (USWDS modals animate opacity) has, mid-fade, text lighter than
    # it will be: wait until no animation or transition runs, so axe sees the settled page.
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }",
        WCAG_TAGS,
    )
    return result


def sideways_overflow(page) -> int:
    """How many px the page scrolls sideways (0 when it fits the viewport)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def screenshot(page, name: str, width: int) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}_{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def check_page(page, path: str, *, label: str, width: int) -> list[str]:
    """Visit ``path``; returns every problem found (HTTP status, axe, sideways scroll)."""
    problems = []
    response = page.goto(path)
    if response is None or response.status >= 400:
        return [f"{label} {path} at {width}px: HTTP {response.status if response else 'no response'}"]
    for v in axe_violations(page):
        problems.append(f"{label} {path} at {width}px: axe {v['id']} ({v['impact']}): {v['help']} {v['nodes']}")
    if width < 600 and (overflow := sideways_overflow(page)) > 0:
        problems.append(f"{label} {path} at {width}px: scrolls sideways by {overflow}px")
    screenshot(page, f"{label}{path}", width)
    return problems
