"""Award letters: context, HTML, PDF rendering, and the services that store them.

Rendering is the expensive part of a letter, and most of a naive WeasyPrint call's cost
that is *not* layout is set-up: building a FontConfiguration (fontconfig state plus
decoding the shipped @font-face files) and parsing the stylesheet.  A worker process
therefore builds one :class:`LetterRenderer` lazily, on first use *after* any fork (the
cache is keyed by pid, so a renderer built in a Celery parent is never shared with its
children), and reuses it for every letter it renders.

Generation is idempotent per award version: the PDF is stored under a deterministic name
(``letters/<award_number>-v<version>.pdf``), and the row is re-checked under
``SELECT ... FOR UPDATE`` before anything is stored, so duplicated or retried task
messages leave exactly one letter.  Rendering happens outside the row lock to keep the
lock short; a duplicate that loses the race throws its render away.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from dpa_funding import lifecycle, policy
from dpa_funding.errors import InvalidTransition

from .choices import LetterStatus
from .models import Award
from .schedule import build_schedule, summarize

logger = logging.getLogger(__name__)

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
LETTER_TEMPLATE = "letters/award_letter.html"
EASTERN = ZoneInfo("America/New_York")
HARFBUZZ_FIX = (
    "Install the HarfBuzz subsetting library (Debian/Ubuntu: apt-get install "
    "libharfbuzz-subset0; Alpine: apk add harfbuzz-subset; macOS: brew install harfbuzz)."
)

FREQUENCY_LABELS = {
    "monthly": "Monthly", "quarterly": "Quarterly", "semiannual": "Semiannual", "annual": "Annual",
}


def letter_stylesheet_path() -> Path:
    """The letter stylesheet; its @font-face rules point at ``awards/fonts/`` relative to it."""
    return Path(getattr(settings, "LETTER_STYLESHEET", settings.BASE_DIR / "templates/letters/letter.css"))


def letter_storage_name(*, award_number: str, version: int) -> str:
    """Deterministic storage name: one file per award version, whoever renders it."""
    return f"letters/{award_number}-v{version}.pdf"


# ------------------------------------------------------------------ HarfBuzz check


def harfbuzz_subset_problem() -> str | None:
    """Why WeasyPrint cannot subset fonts with HarfBuzz here, or None when it can.

    Mirrors WeasyPrint 70's own test (``weasyprint.pdf.fonts.Font.subset``): the
    ``harfbuzz_subset`` library must have loaded and HarfBuzz must be at least 4.1.
    Without it WeasyPrint falls back to fontTools subsetting, which is several times
    slower per letter and is going away in future WeasyPrint versions.
    """
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError) as exc:  # pango/harfbuzz themselves missing
        return f"WeasyPrint cannot load its native libraries ({exc})."
    if harfbuzz_subset is None:
        return "WeasyPrint could not load libharfbuzz-subset."
    if not harfbuzz.hb_version_atleast(4, 1, 0):
        return "HarfBuzz is older than 4.1, which WeasyPrint needs for subsetting."
    return None


def check_harfbuzz_subset() -> bool:
    """Log an ERROR with the fix when HarfBuzz subsetting is unavailable; True when it works."""
    problem = harfbuzz_subset_problem()
    if problem:
        logger.error("Award letters: %s Letters will render slowly via fontTools. %s",
                     problem, HARFBUZZ_FIX)
        return False
    return True


# ------------------------------------------------------------------ renderer


@dataclass(frozen=True)
class LetterRenderer:
    """One FontConfiguration and one parsed stylesheet, shared by every letter of a process."""

    font_config: object
    stylesheet: object
    pid: int


_renderer: LetterRenderer | None = None
_renderer_lock = threading.Lock()
# WeasyPrint (Pango, fontconfig) is not documented as thread-safe; a worker process renders
# one letter at a time (prefork/solo pools have one thread anyway).
_render_lock = threading.Lock()


def get_renderer() -> LetterRenderer:
    """This process's renderer, built on first use (again after a fork)."""
    global _renderer
    renderer = _renderer
    if renderer is not None and renderer.pid == os.getpid():
        return renderer
    with _renderer_lock:
        if _renderer is None or _renderer.pid != os.getpid():
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            font_config = FontConfiguration()
            stylesheet = CSS(filename=str(letter_stylesheet_path()), font_config=font_config)
            _renderer = LetterRenderer(font_config=font_config, stylesheet=stylesheet,
                                       pid=os.getpid())
        return _renderer


def reset_renderer() -> None:
    """Forget the cached renderer (tests; after editing the stylesheet in a shell)."""
    global _renderer
    with _renderer_lock:
        _renderer = None


# Release it while WeasyPrint's C bindings still exist: at interpreter teardown its
# FontConfiguration.__del__ would otherwise call into already-cleared module globals.
atexit.register(reset_renderer)


def render_pdf(html: str) -> bytes:
    """Render letter HTML to a tagged PDF (PDF/UA-1 by default) with the shared renderer."""
    from weasyprint import HTML

    renderer = get_renderer()
    with _render_lock:
        return HTML(string=html, base_url=str(letter_stylesheet_path().parent)).write_pdf(
            stylesheets=[renderer.stylesheet],
            font_config=renderer.font_config,
            pdf_variant=getattr(settings, "LETTER_PDF_VARIANT", "pdf/ua-1"),
            pdf_tags=True,
        )


# ------------------------------------------------------------------ context and HTML


def money(value: Decimal | None) -> str:
    """``$20,600,000.00``; negative amounts as ``-$5.00``."""
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def long_date(value: dt.date) -> str:
    """``January 5, 2027`` (no locale or platform-specific strftime flags)."""
    return f"{value:%B} {value.day}, {value.year}"


def eastern_deadline(value: dt.datetime) -> str:
    """``5:00 PM EST, January 5, 2027 (US Eastern Time)``: federal deadlines are Eastern."""
    local = timezone.localtime(value, EASTERN)
    hour = local.hour % 12 or 12
    return (f"{hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'} {local:%Z}, "
            f"{long_date(local.date())} (US Eastern Time)")


def _loan_context(award: Award) -> dict | None:
    loan = getattr(award, "loan", None) if award.is_credit else None
    if loan is None:
        return None
    inputs = loan.inputs()
    schedule = build_schedule(inputs)
    summary = summarize(schedule, inputs)
    return {
        "principal": money(loan.principal),
        "annual_rate": f"{Decimal(loan.annual_rate_percent).normalize():f}%",
        "term_months": loan.term_months,
        "grace_months": loan.grace_months,
        "frequency": FREQUENCY_LABELS.get(loan.payment_frequency, loan.payment_frequency),
        "first_payment_date": long_date(loan.first_payment_date),
        "level_payment": money(summary.level_payment),
        "periods": summary.periods,
        "grace_periods": summary.grace_periods,
        "final_due_date": long_date(summary.final_due_date),
        "total_payments": money(summary.total_payments),
        "total_interest": money(summary.total_interest),
        "total_principal": money(summary.total_principal),
        "rows": [
            {"number": r.number, "due_date": r.due_date.isoformat(), "payment": money(r.payment),
             "interest": money(r.interest), "principal": money(r.principal),
             "balance": money(r.balance)}
            for r in schedule
        ],
    }


def letter_context(award: Award) -> dict:
    """Everything the letter template shows, already formatted (money, dates, zones)."""
    application = award.application
    # The organization and project as submitted: later edits never reach an award letter.
    record = application.record
    org, project = record.organization, record.project
    officer = award.issued_by
    minerals = ", ".join(record.minerals)
    location = ", ".join(p for p in (project.county and f"{project.county} County", project.state) if p)
    total = Decimal(award.federal_amount) + Decimal(award.cost_share_amount or 0)
    return {
        "office_name": getattr(settings, "LETTER_OFFICE_NAME", "DPA Title III Program Office"),
        "office_address": getattr(settings, "LETTER_OFFICE_ADDRESS", []),
        "letter_date": long_date(timezone.localtime(award.issued_at, EASTERN).date()),
        "award_number": award.award_number,
        "terms_version": award.terms_version,
        "recipient": {
            "legal_name": org.legal_name, "uei": org.uei, "address_line1": org.address_line1,
            "city": org.city, "state": org.state, "postal_code": org.postal_code,
            "ein": getattr(org, "ein", ""), "congressional_district": getattr(org, "congressional_district", ""),
        },
        "application_title": application.title,
        "opportunity_number": application.opportunity.number,
        "project": {"name": project.name, "location": location, "minerals": minerals},
        "instrument": award.get_instrument_display(),
        "federal_amount": money(award.federal_amount),
        "cost_share_amount": money(award.cost_share_amount or 0),
        "total_amount": money(total),
        "period_start": long_date(award.period_start),
        "period_end": long_date(award.period_end),
        "conditions": [c for c in (award.conditions or []) if str(c).strip()],
        "loan": _loan_context(award),
        "officer": {
            "name": officer.get_full_name() or officer.get_username(),
            "job_title": getattr(officer, "job_title", ""),
            "email": officer.email,
        },
        "acceptance_deadline": eastern_deadline(award.acceptance_due_at),
        "site_url": _public_site_url(),
    }


def _public_site_url() -> str:
    """The site's address for the letter, or "" while SITE_URL is still the local default:
    a letter must not send a recipient to 127.0.0.1."""
    from urllib.parse import urlsplit

    url = (settings.SITE_URL or "").rstrip("/")
    host = urlsplit(url).hostname or ""
    return "" if host in ("", "localhost", "::1") or host.startswith("127.") else url


def render_award_letter_html(award: Award) -> str:
    """The letter as HTML (``templates/letters/award_letter.html``)."""
    return render_to_string(LETTER_TEMPLATE, letter_context(award))


# ------------------------------------------------------------------ services


def _letter_current(award: Award, version: int) -> bool:
    """True when a ready letter for this version, or a newer one, is already stored."""
    return (award.letter_status == LetterStatus.READY and award.letter_version is not None
            and award.letter_version >= version)


def _award_for_letter(award_id: int):
    return (Award.objects.select_related(
        "application__organization", "application__project", "application__opportunity",
        "issued_by", "loan").prefetch_related("application__project__minerals").get(pk=award_id))


def award_letter_generate(*, award_id: int, version: int, attempt: int = 1) -> Award:
    """Render and store the letter of ``award_id`` for terms ``version``; idempotent.

    Does nothing when the stored letter is already ready for this (or a newer) version,
    or when ``version`` is no longer the award's terms version (a stale message).  The
    PDF is rendered outside the row lock, then the row is locked and re-checked before
    the file is written, so racing duplicates store exactly one letter.
    """
    award = _award_for_letter(award_id)
    if _letter_current(award, version) or award.terms_version != version:
        return award
    pdf = render_pdf(render_award_letter_html(award))
    digest = hashlib.sha256(pdf).hexdigest()
    name = letter_storage_name(award_number=award.award_number, version=version)

    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award_id)
        if _letter_current(locked, version) or locked.terms_version != version:
            return locked  # a duplicate got here first; discard this render
        locked = lifecycle.fire("letter", locked, "letter_generated", actor=None, data={
            "name": name, "pdf": pdf, "sha256": digest, "version": version, "attempt": attempt,
            "comment": f"Letter v{version} stored ({len(pdf)} bytes, sha256 {digest[:12]}).",
        })
        stored_name = locked.letter_file.name
    logger.info("Award letter %s stored (%d bytes)", stored_name, len(pdf))
    return locked


@transaction.atomic
def award_letter_mark_failed(*, award_id: int, version: int, reason: str,
                             attempts: int = 1) -> Award | None:
    """Record that generation of ``version`` failed for good, with a reason officers see.

    A no-op for stale versions and for letters that are already ready (a duplicate
    message may have succeeded meanwhile).  Returns None when the award is gone.
    """
    award = Award.objects.select_for_update().filter(pk=award_id).first()
    if award is None or award.terms_version != version or _letter_current(award, version):
        return award
    if award.letter_status == LetterStatus.FAILED:
        # Already failed: a later attempt's reason and count replace the earlier ones (no
        # state change, so no transition).
        award.letter_error, award.letter_attempts = reason[:2000], attempts
        award.save(update_fields=["letter_error", "letter_attempts"])
        return award
    return lifecycle.fire("letter", award, "letter_failed", actor=None,
                          data={"reason": reason, "attempts": attempts, "comment": reason[:2000]})


def award_letter_queue(*, award: Award) -> None:
    """Owe generation of ``award``'s letter in the current transaction (outbox).

    The award-issuing service calls this; a rolled-back issuance queues nothing.
    """
    from ops import outbox

    # Owed in this transaction, as at issuance (ops.outbox): a broker outage delays the letter
    # and never turns the request into an error.
    outbox.enqueue("awards.tasks.generate_award_letter", award.pk, award.terms_version)


@transaction.atomic
def award_letter_request(*, actor, award: Award) -> Award:
    """An officer asks for the letter to be (re)generated, e.g. after it failed.

    Sets the letter back to pending and queues the task on commit.  The new file replaces
    the stored one of the same version (same deterministic name), never adds a second.
    """
    policy.require(actor, "letter.request", award)
    locked = Award.objects.select_for_update().get(pk=award.pk)
    if locked.letter_status == LetterStatus.IMPORTED:
        raise InvalidTransition("This award was imported from a public announcement; "
                                "it was not issued here and has no letter to generate.")
    # The door resets the letter to pending and queues its generation (awards.workflow).
    return lifecycle.fire("letter", locked, "letter_requested", actor=actor)


# A letter still pending this long after issue lost its message (the broker was down when
# the issuing transaction committed, or a message was dropped): send the task again.
STALLED_LETTER_AGE = dt.timedelta(minutes=10)


def award_letters_requeue_stalled(*, now: dt.datetime | None = None) -> list[int]:
    """Re-send the generation task for letters pending longer than ``STALLED_LETTER_AGE``.

    A broker outage must delay a letter, never drop it. Generation is idempotent (one
    stored letter per award version), so a re-sent task whose original is still queued
    does no harm. Runs from beat; returns the award ids re-queued.
    """
    from .tasks import generate_award_letter

    cutoff = (now or timezone.now()) - STALLED_LETTER_AGE
    stalled = list(
        Award.objects.filter(letter_status=LetterStatus.PENDING, issued_at__lt=cutoff)
        .values_list("pk", "terms_version")
    )
    for award_id, version in stalled:
        generate_award_letter.delay(award_id, version)
    if stalled:
        logger.warning("Re-queued %d stalled award letter(s): %s", len(stalled),
                       [award_id for award_id, _ in stalled])
    return [award_id for award_id, _ in stalled]
