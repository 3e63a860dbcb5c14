"""Award letters: content of the PDF, tagging, fonts, idempotent storage, failures."""

import datetime as dt
import hashlib
import io
import logging
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from pypdf import PdfReader

from applications.choices import Instrument
from applications.models import TransitionLog
from awards import checks, letters
from awards.choices import LetterStatus
from awards.models import Award
from awards.schedule import build_schedule, summarize
from awards.services import award_issue
from awards.tasks import generate_award_letter
from dpa_funding.errors import NotPermitted
from tests.awards.factories import issue, issuing_officer, negotiation_app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _issued(instrument=Instrument.GRANT, **kwargs) -> Award:
    return issue(negotiation_app(instrument=instrument, **kwargs))


def _issued_directly(instrument=Instrument.GRANT) -> Award:
    """Issue through awards.services.award_issue alone (no application-workflow signals),
    for transaction=True tests whose commits would otherwise run other apps' side effects."""
    app = negotiation_app(instrument=instrument)
    with transaction.atomic():
        return award_issue(application=app, actor=issuing_officer())


def _pdf(award: Award) -> PdfReader:
    award.refresh_from_db()
    with award.letter_file.open("rb") as fh:
        return PdfReader(io.BytesIO(fh.read()))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _stored_letters() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "letters"
    return sorted(root.iterdir()) if root.exists() else []


def _log_rows(award: Award, transition: str) -> int:
    return TransitionLog.objects.filter(object_id=award.pk, transition=transition).count()


# ------------------------------------------------------------------ content


def test_grant_letter_pdf_holds_number_recipient_uei_and_amounts():
    award = _issued(federal_amount=Decimal("12345678.90"))
    org = award.application.organization

    letters.award_letter_generate(award_id=award.pk, version=award.terms_version)

    award.refresh_from_db()
    text = _text(_pdf(award))
    assert award.letter_status == LetterStatus.READY
    assert award.award_number in text
    assert org.legal_name in text
    assert org.uei in text
    assert "$12,345,678.90" in text  # federal amount and (factory) equal cost share
    assert "$24,691,357.80" in text  # total project cost
    assert award.application.project.name in text
    assert "Quarterly progress reports are due 30 days after each quarter." in text
    assert "Program Officer / Awarding Official" in text
    assert "(US Eastern Time)" in text
    assert "Appendix A" not in text  # grants have no repayment schedule


def test_loan_letter_states_loan_terms_and_schedule_totals_in_an_appendix():
    award = _issued(Instrument.LOAN, federal_amount=Decimal("25000000.00"))
    inputs = award.loan.inputs()
    summary = summarize(build_schedule(inputs), inputs)

    letters.award_letter_generate(award_id=award.pk, version=award.terms_version)

    reader = _pdf(award)
    text = _text(reader)
    assert "4.25%" in text and "120 months" in text and "12 months" in text
    assert letters.money(summary.level_payment) in text
    for total in (summary.total_payments, summary.total_interest, summary.total_principal):
        assert letters.money(total) in text
    assert letters.money(summary.total_principal) == "$25,000,000.00"
    # The appendix starts on a page of its own, after the signature block.
    appendix_pages = [i for i, p in enumerate(reader.pages)
                      if "Appendix A: Repayment schedule" in p.extract_text()]
    assert appendix_pages
    first = reader.pages[appendix_pages[0]].extract_text()
    assert "Program Officer / Awarding Official" not in first
    assert "Totals" in _text(reader)


def test_letter_pdf_is_tagged_and_declares_english():
    award = _issued()
    letters.award_letter_generate(award_id=award.pk, version=award.terms_version)

    catalog = _pdf(award).trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()


def test_letter_embeds_only_the_shipped_public_sans_fonts():
    award = _issued(Instrument.LOAN)
    letters.award_letter_generate(award_id=award.pk, version=award.terms_version)

    fonts = set()
    for page in _pdf(award).pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts.add(str(ref.get_object()["/BaseFont"]))
    assert fonts
    assert all("Public-Sans" in name for name in fonts), fonts


def test_money_is_formatted_with_dollar_sign_and_thousands_separators():
    assert letters.money(Decimal("20600000")) == "$20,600,000.00"
    assert letters.money(Decimal("0.5")) == "$0.50"
    assert letters.money(Decimal("-1234.5")) == "-$1,234.50"


@pytest.mark.parametrize(("moment", "expected"), [
    (dt.datetime(2027, 1, 5, 22, 0, tzinfo=dt.UTC), "5:00 PM EST, January 5, 2027 (US Eastern Time)"),
    (dt.datetime(2027, 7, 5, 4, 30, tzinfo=dt.UTC), "12:30 AM EDT, July 5, 2027 (US Eastern Time)"),
])
def test_acceptance_deadline_is_shown_in_eastern_time_with_the_zone(moment, expected):
    assert letters.eastern_deadline(moment) == expected


# ------------------------------------------------------------------ idempotency


def test_duplicated_task_message_stores_one_letter():
    award = _issued()

    generate_award_letter.apply(args=(award.pk, award.terms_version)).get()
    award.refresh_from_db()
    first = (award.letter_file.name, award.letter_sha256, award.letter_generated_at)
    generate_award_letter.apply(args=(award.pk, award.terms_version)).get()
    award.refresh_from_db()

    assert (award.letter_file.name, award.letter_sha256, award.letter_generated_at) == first
    assert [p.name for p in _stored_letters()] == [f"{award.award_number}-v{award.terms_version}.pdf"]
    assert _log_rows(award, "letter_generated") == 1
    stored = (Path(settings.MEDIA_ROOT) / award.letter_file.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == award.letter_sha256


def test_leftover_file_from_a_crashed_attempt_is_replaced_not_duplicated():
    award = _issued()
    leftover = Path(settings.MEDIA_ROOT) / letters.letter_storage_name(
        award_number=award.award_number, version=award.terms_version)
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"%PDF-1.7 truncated")

    letters.award_letter_generate(award_id=award.pk, version=award.terms_version)

    award.refresh_from_db()
    assert _stored_letters() == [leftover]
    assert award.letter_file.name == f"letters/{leftover.name}"
    assert hashlib.sha256(leftover.read_bytes()).hexdigest() == award.letter_sha256


def test_stale_version_message_does_nothing():
    award = _issued()

    letters.award_letter_generate(award_id=award.pk, version=award.terms_version + 1)
    letters.award_letter_mark_failed(award_id=award.pk, version=award.terms_version + 1, reason="x")

    award.refresh_from_db()
    assert award.letter_status == LetterStatus.PENDING
    assert not award.letter_file
    assert _stored_letters() == []


def test_failure_report_never_overwrites_a_ready_letter():
    award = _issued()
    letters.award_letter_generate(award_id=award.pk, version=award.terms_version)

    letters.award_letter_mark_failed(award_id=award.pk, version=award.terms_version, reason="late dup")

    award.refresh_from_db()
    assert award.letter_status == LetterStatus.READY
    assert award.letter_error == ""


@pytest.mark.django_db(transaction=True)
def test_two_racing_duplicate_messages_store_exactly_one_letter(monkeypatch):
    award = _issued_directly()
    real_render = letters.render_pdf
    both_rendered = threading.Barrier(2, timeout=60)

    def render_then_wait(html):
        pdf = real_render(html)
        both_rendered.wait()  # neither may store before both have rendered
        return pdf

    monkeypatch.setattr(letters, "render_pdf", render_then_wait)
    errors = []

    def run():
        try:
            letters.award_letter_generate(award_id=award.pk, version=award.terms_version)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    award.refresh_from_db()
    assert award.letter_status == LetterStatus.READY
    assert len(_stored_letters()) == 1
    assert _log_rows(award, "letter_generated") == 1
    assert hashlib.sha256(_stored_letters()[0].read_bytes()).hexdigest() == award.letter_sha256


# ------------------------------------------------------------------ failures and regeneration


def test_transient_failure_retries_then_marks_letter_failed_with_reason(monkeypatch):
    award = _issued()
    calls = []

    def broken(html):
        calls.append(1)
        raise OSError("letter storage unavailable")

    monkeypatch.setattr(letters, "render_pdf", broken)

    result = generate_award_letter.apply(args=(award.pk, award.terms_version))

    assert result.state == "FAILURE"
    assert len(calls) == 1 + settings.LETTER_MAX_RETRIES
    award.refresh_from_db()
    assert award.letter_status == LetterStatus.FAILED
    assert "letter storage unavailable" in award.letter_error
    assert f"after {1 + settings.LETTER_MAX_RETRIES} attempts" in award.letter_error
    assert award.letter_attempts == 1 + settings.LETTER_MAX_RETRIES
    assert _log_rows(award, "letter_failed") == 1


def test_permanent_failure_is_not_retried_and_marks_failed(monkeypatch):
    award = _issued()
    calls = []

    def broken(html):
        calls.append(1)
        raise ValueError("template bug")

    monkeypatch.setattr(letters, "render_pdf", broken)

    generate_award_letter.apply(args=(award.pk, award.terms_version))

    award.refresh_from_db()
    assert len(calls) == 1
    assert award.letter_status == LetterStatus.FAILED
    assert "ValueError: template bug" in award.letter_error


def test_officer_regenerates_a_failed_letter(django_capture_on_commit_callbacks, monkeypatch):
    award = _issued()
    letters.award_letter_mark_failed(award_id=award.pk, version=award.terms_version, reason="boom")
    queued = []
    monkeypatch.setattr(generate_award_letter, "delay", lambda *args: queued.append(args))
    officer = UserFactory(officer=True)

    with django_capture_on_commit_callbacks(execute=True):
        letters.award_letter_request(actor=officer, award=award)

    award.refresh_from_db()
    assert award.letter_status == LetterStatus.PENDING
    assert award.letter_error == ""
    assert queued == [(award.pk, award.terms_version)]
    assert TransitionLog.objects.get(object_id=award.pk, transition="letter_requested").actor == officer

    letters.award_letter_generate(award_id=award.pk, version=award.terms_version)
    award.refresh_from_db()
    assert award.letter_status == LetterStatus.READY
    assert len(_stored_letters()) == 1


def test_applicant_cannot_request_letter_regeneration():
    award = _issued()
    with pytest.raises(NotPermitted):
        letters.award_letter_request(actor=UserFactory(), award=award)


# ------------------------------------------------------------------ renderer and start-up checks


def test_renderer_is_built_once_per_process_and_again_after_a_fork(monkeypatch):
    letters.reset_renderer()
    first = letters.get_renderer()
    assert letters.get_renderer() is first

    monkeypatch.setattr(letters.os, "getpid", lambda: first.pid + 1)  # as in a forked child
    child = letters.get_renderer()
    assert child is not first
    assert child.font_config is not first.font_config
    letters.reset_renderer()


def test_harfbuzz_subsetting_is_available_here():
    assert letters.harfbuzz_subset_problem() is None
    assert letters.check_harfbuzz_subset() is True
    assert checks.check_letter_harfbuzz() == []


def test_missing_harfbuzz_subset_logs_the_fix_and_warns_in_system_checks(monkeypatch, caplog):
    import weasyprint.text.ffi as ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)

    with caplog.at_level(logging.ERROR, logger="awards.letters"):
        assert letters.check_harfbuzz_subset() is False
    assert "apt-get install libharfbuzz-subset0" in caplog.text
    warnings = checks.check_letter_harfbuzz()
    assert [w.id for w in warnings] == ["awards.W001"]
    assert "libharfbuzz-subset0" in warnings[0].hint


def test_letter_is_signed_electronically_names_ein_and_district_and_no_local_address(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    award = _issued()
    org = award.application.organization
    letters.award_letter_generate(award_id=award.pk, version=award.terms_version)
    award.refresh_from_db()
    text = _text(_pdf(award))
    officer = award.issued_by.get_full_name() or award.issued_by.get_username()
    assert f"/s/ {officer}," in text
    assert text.count("Program Officer / Awarding Official") == 1  # the title once, not twice
    if org.ein:
        assert org.ein in text
    if org.congressional_district:
        assert org.congressional_district in text
    assert "127.0.0.1" not in text
    assert "5:00 PM" in text  # the acceptance deadline is close of business Eastern
