"""manage.py load_demo: accounts, opportunities, imported history, demo applications."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader

from accounts.choices import MemberRole, Role
from accounts.models import Membership, Organization, User
from accounts.validators import validate_ein, validate_uei
from applications import demo_history as history
from applications.choices import ApplicationStatus, DocumentKind, Instrument
from applications.demo import (
    DEFAULT_PASSWORD,
    HISTORY_NUMBER,
    OPEN_NUMBER,
    minimal_pdf,
)
from applications.guards import application_complete, opportunity_open
from applications.models import (
    Application,
    Document,
    FundingOpportunity,
    Mineral,
    Project,
    TransitionLog,
)
from applications.services import application_transition

DEMO_USERNAMES = ["demo_applicant", "demo_reviewer1", "demo_reviewer2", "demo_reviewer3",
                  "demo_officer", "demo_admin"]


def run_load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", "--allow-default-password", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (
        User, Organization, Membership, Project, FundingOpportunity, Application, Document, TransitionLog)}


def csv_records() -> list[dict]:
    with history.CSV_PATH.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def loaded(db):
    return run_load_demo()


# ---------------------------------------------------------------- idempotence and accounts


def test_second_run_creates_nothing_and_says_already_loaded(loaded):
    before = counts()
    output = run_load_demo()
    assert counts() == before
    assert "already loaded" in output
    assert before["Application"] == 29 + 2


def test_every_demo_account_can_log_in_with_the_printed_password(loaded):
    for username in DEMO_USERNAMES:
        user = User.objects.get(username=username)
        assert user.check_password(DEFAULT_PASSWORD), username
        assert f"{username}" in loaded
    assert DEFAULT_PASSWORD in loaded
    assert {u.role for u in User.objects.filter(username__in=DEMO_USERNAMES)} == set(Role.values)
    officer = User.objects.get(username="demo_officer")
    assert officer.award_authority and officer.job_title
    assert User.objects.get(username="demo_admin").is_superuser


def test_password_comes_from_demo_password_env(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Another-Long-Demo-Secret-77")
    run_load_demo()
    user = User.objects.get(username="demo_reviewer2")
    assert user.check_password("Another-Long-Demo-Secret-77")
    assert not user.check_password(DEFAULT_PASSWORD)


def test_builtin_password_is_refused_with_debug_off_and_nothing_is_created(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


def test_weak_demo_password_fails_cleanly_and_saves_nothing(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "short")
    with pytest.raises(CommandError, match="password"):
        run_load_demo()
    assert counts()["User"] == 0
    assert counts()["Application"] == 0


def test_existing_demo_user_is_kept_with_its_own_password(db):
    User.objects.create_user(username="demo_officer", password="Officer-Chose-This-One-1", role=Role.PROGRAM_OFFICER)
    output = run_load_demo()
    officer = User.objects.get(username="demo_officer")
    assert officer.check_password("Officer-Chose-This-One-1")
    assert "password unchanged" in output
    assert FundingOpportunity.objects.get(number=OPEN_NUMBER).created_by == officer


# ---------------------------------------------------------------- the open opportunity and demo applications


def test_open_opportunity_is_open_now_with_a_rubric_summing_to_100(loaded):
    opp = FundingOpportunity.objects.get(number=OPEN_NUMBER)
    assert opp.is_open()
    assert sum(c.weight for c in opp.rubric.all()) == 100
    assert opp.rubric.filter(allows_na=True).count() == 1
    closes = timezone.localtime(opp.closes_at)  # TIME_ZONE is America/New_York
    assert (closes.hour, closes.minute) == (17, 0)
    assert 44 <= (closes.date() - timezone.localdate()).days <= 45
    assert opp.min_cost_share_percent == Decimal("50")
    assert set(opp.instruments) == set(Instrument.values)


def test_demo_draft_passes_every_submit_guard_and_can_be_submitted(loaded):
    draft = Application.objects.get(opportunity__number=OPEN_NUMBER, status=ApplicationStatus.DRAFT)
    applicant = User.objects.get(username="demo_applicant")
    assert opportunity_open(draft, applicant, {}) == []
    assert application_complete(draft, applicant, {}) == []
    kinds = set(draft.documents.values_list("kind", flat=True))
    assert kinds == {DocumentKind.TECHNICAL_REPORT, DocumentKind.BUDGET_JUSTIFICATION}
    submitted = application_transition(application_id=draft.pk, name="submit", actor=applicant)
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_officer_queue_has_one_application_submitted_through_the_workflow(loaded):
    submitted = Application.objects.get(opportunity__number=OPEN_NUMBER, status=ApplicationStatus.SUBMITTED)
    assert submitted.submitted_at is not None
    log = TransitionLog.objects.get(object_id=submitted.pk, transition="submit")
    assert log.actor.username == "demo_applicant"
    assert (log.from_state, log.to_state) == (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)


def test_demo_documents_are_real_pdfs(loaded):
    doc = Document.objects.filter(application__opportunity__number=OPEN_NUMBER).first()
    with doc.file.open("rb") as handle:
        reader = PdfReader(handle)
        assert len(reader.pages) == 1
        assert "Demo document" in reader.pages[0].extract_text() or "Total project cost" in (
            reader.pages[0].extract_text())
    assert doc.content_type == "application/pdf"


def test_minimal_pdf_escapes_parentheses_and_is_parseable():
    reader = PdfReader(io.BytesIO(minimal_pdf("Report (draft)", ["a \\ b", "(x)"])))
    text = reader.pages[0].extract_text()
    assert "Report (draft)" in text and "(x)" in text


# ---------------------------------------------------------------- imported history


def test_every_csv_row_is_imported_awarded_with_one_import_log_row(loaded):
    records = csv_records()
    assert len(records) == 29
    imported = Application.objects.filter(opportunity__number=HISTORY_NUMBER)
    assert imported.count() == 29
    assert set(imported.values_list("status", flat=True)) == {ApplicationStatus.AWARDED}
    for app in imported:
        logs = TransitionLog.objects.filter(object_id=app.pk, content_type__model="application")
        assert [(log.transition, log.from_state, log.to_state, log.actor) for log in logs] == [
            ("import", ApplicationStatus.DRAFT, ApplicationStatus.AWARDED, None)]
        assert logs[0].comment.startswith("Imported from public award announcement: https://")
        assert logs[0].comment.split(": ", 1)[1] in app.summary
    assert sorted(imported.values_list("federal_amount_requested", flat=True)) == sorted(
        Decimal(r["amount_usd"]) for r in records)


def test_canadian_rows_are_imported_with_province_and_no_district(loaded):
    assert not [r for r in history.read_rows() if r.skip_reason]
    electra = Organization.objects.get(legal_name="Electra Battery Materials")
    fireweed = Organization.objects.get(legal_name="Fireweed Metals")
    assert (electra.country, electra.state, electra.congressional_district) == ("CA", "ON", "")
    assert (fireweed.country, fireweed.state) == ("CA", "YT")
    assert not electra.needs_domestic_source_determination  # Canada is domestic by statute
    project = electra.projects.get()
    assert (project.country, project.state) == ("CA", "ON")
    assert "skipped" not in loaded


def test_historical_budgets_balance_and_grant_like_rows_carry_half_cost_share(loaded):
    for app in Application.objects.filter(opportunity__number=HISTORY_NUMBER):
        assert app.budget_total == app.total_project_cost, app.title
        assert app.project.minerals.exists()
    graphite = Application.objects.get(title__startswith="Graphite One")
    assert graphite.cost_share_amount == graphite.federal_amount_requested == Decimal("37500000.00")
    loan = Application.objects.get(title__startswith="Lithium Nevada")
    assert (loan.instrument, loan.cost_share_amount) == (Instrument.LOAN, Decimal("0"))


def test_unverified_dates_and_states_are_marked_in_the_summary(loaded):
    ucore = Application.objects.get(title__startswith="Ucore")
    assert ucore.submitted_at is None and "date not verified" in ucore.summary.lower()
    talon = Application.objects.get(title__startswith="Talon Metals")
    assert talon.organization.legal_name == "Talon Nickel (USA)"
    assert "state not verified" in talon.summary.lower()
    lynas = Application.objects.get(title__contains="Seadrift")
    assert timezone.localtime(lynas.submitted_at).date() == date(2023, 1, 1)
    assert "year only" in lynas.summary
    ibas = Application.objects.get(title__contains="Texas Gulf Coast")
    assert "Not identified as a DPA Title III award" in ibas.summary


def test_demo_applicant_represents_two_historical_organizations_and_the_demo_company(loaded):
    applicant = User.objects.get(username="demo_applicant")
    names = set(Membership.objects.filter(user=applicant, role=MemberRole.AUTHORIZED_REPRESENTATIVE)
                .values_list("organization__legal_name", flat=True))
    assert {"Graphite One (Alaska)", "Perpetua Resources Idaho"} <= names
    # ... and the organization of the latest historical award, whose payments the demo draws.
    from payments.demo import latest_historical_award

    latest = latest_historical_award().application.organization.legal_name
    assert latest in names and len(names) == 4
    assert Application.objects.visible_to(applicant).filter(opportunity__number=HISTORY_NUMBER).count() == 5


# ---------------------------------------------------------------- mapping helpers


@pytest.mark.parametrize("name", ["MP Materials", "Lynas USA", "Graphite One (Alaska)", "x"])
def test_synthetic_identifiers_are_valid_and_deterministic(name):
    validate_uei(history.synthetic_uei(name))
    validate_ein(history.synthetic_ein(name))
    assert history.synthetic_uei(name) == history.synthetic_uei(name)
    assert history.synthetic_uei(name) != history.synthetic_uei(name + " Inc")


def test_announcement_dates_parse_by_precision():
    assert history.parse_announced("2020-11-17") == (date(2020, 11, 17), "")
    assert history.parse_announced("2020-11")[0] == date(2020, 11, 1)
    assert history.parse_announced("2023")[0] == date(2023, 1, 1)
    assert history.parse_announced("UNVERIFIED")[0] is None


def test_split_budget_sums_exactly_to_odd_totals():
    for total in (Decimal("0.01"), Decimal("860000.00"), Decimal("1234567.89")):
        assert sum(history.split_budget(total, "mine").values()) == total
        assert sum(history.split_budget(total, "processing").values()) == total


def test_every_csv_mineral_maps_to_reference_minerals_and_titles_are_unique(db):
    rows = [r for r in history.read_rows() if not r.skip_reason]
    known = set(Mineral.objects.values_list("name", flat=True))
    for row in rows:
        assert row.minerals and set(row.minerals) <= known, row.mineral_text
    assert len({(r.organization_name, r.title) for r in rows}) == len(rows)
    with pytest.raises(ValueError, match="no mineral mapping"):
        history.interpret({**csv_records()[0], "mineral": "unobtainium"}, line=99)
