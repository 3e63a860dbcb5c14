"""The typed client integrators generate from /api/schema/ (openapi-python-client) imports
whole and drives the API as published, against a live server: register, token,
organization, project, an application with a nested budget, uploads, submit, the
officer's ranking, the award letter as bytes and the repayment schedule as CSV.

Generation fails on any generator warning (scripts/generate_client.py), so an endpoint the
client cannot express fails here, not in an integrator's build.
"""

import datetime as dt
import importlib
import importlib.util
import io
import pkgutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from applications.choices import ApplicationStatus, Instrument
from applications.models import Application
from tests.awards.factories import issue, make_terms
from tests.factories import UserFactory, pdf_bytes, set_status
from tests.reviews.factories import reviewers, submitted_review
from tests.tokens import token_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Lode-Star-Assay-2026!"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_client", ROOT / "scripts" / "generate_client.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def client_package(tmp_path_factory, django_db_blocker):
    """Generate the client from the schema as served, import it, and unload it afterwards."""
    generator = _generator()
    out = tmp_path_factory.mktemp("client")
    with django_db_blocker.unblock():
        package = generator.generate(generator.schema_document(), out)
    sys.path.insert(0, str(package.parent))
    try:
        yield importlib.import_module(generator.PACKAGE)
    finally:
        sys.path.remove(str(package.parent))
        for name in [n for n in sys.modules if n == generator.PACKAGE or n.startswith(generator.PACKAGE + ".")]:
            del sys.modules[name]


def test_every_module_of_the_generated_client_imports(client_package):
    names = [m.name for m in pkgutil.walk_packages(client_package.__path__, client_package.__name__ + ".")]
    failures = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - report every failing module at once
            failures[name] = repr(exc)
    assert not failures
    endpoint_modules = [n for n in names if ".api." in n and n.count(".") == 3]
    assert len(endpoint_modules) >= 50
    print(f"imported {len(names)} modules ({len(endpoint_modules)} endpoint modules)")


def _mod(client_package, path):
    return importlib.import_module(f"{client_package.__name__}.{path}")


def test_typed_client_drives_the_api_against_a_live_server(client_package, live_server, celery_eager):
    c = client_package
    api = lambda path: _mod(c, f"api.{path}")  # noqa: E731
    models = _mod(c, "models")
    types = _mod(c, "types")
    anonymous = c.Client(base_url=live_server.url, raise_on_unexpected_status=True)

    user = api("auth.auth_register").sync(client=anonymous, body=models.RegisterRequest(
        username="maria", email="maria@nevada-lithium.example.com", password=PASSWORD))
    assert isinstance(user, models.User) and user.role == models.UserRoleEnum.APPLICANT
    token = api("auth.auth_token").sync(client=anonymous, body=models.TokenRequestRequest(
        username="maria", password=PASSWORD))
    assert isinstance(token, models.Token)
    maria = c.AuthenticatedClient(base_url=live_server.url, token=token.token, prefix="Token",
                                  raise_on_unexpected_status=True)
    # Staff sign-in may require a second factor the test has no device for: make the
    # officer's token directly (the response shape of /auth/token/ is what the client uses).
    officer_user = UserFactory(officer=True)
    officer = c.AuthenticatedClient(base_url=live_server.url, prefix="Token", raise_on_unexpected_status=True,
                                    token=token_for(officer_user))

    minerals = api("minerals.minerals_list").sync(client=maria, page_size=100)
    lithium = next(m.id for m in minerals.results if m.name.lower() == "lithium")
    now = timezone.now()
    opportunity = api("opportunities.opportunities_create").sync(client=officer, body=models.OpportunityRequest(
        number="FA8650-26-S-0777", title="Domestic lithium refining", description="Battery-grade lithium.",
        instruments=[models.InstrumentEnum.GRANT, models.InstrumentEnum.LOAN],
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=60),
        budget_ceiling="50000000.00", max_award="10000000.00", min_cost_share_percent="40.00",
        eligible_minerals=[lithium], min_reviewers=3,
        rubric=[models.RubricCriterionRequest(name="Technical merit", weight=60),
                models.RubricCriterionRequest(name="Supply-chain impact", weight=40)]))
    assert isinstance(opportunity, models.Opportunity) and len(opportunity.rubric) == 2

    org = api("organizations.organizations_create").sync(client=maria, body=models.OrganizationRequest(
        legal_name="Nevada Lithium Refining LLC", uei="NVL1THREF2A9", ein="882345671", naics_code="331410",
        address_line1="1 Brine Flats Road", city="Silver Peak", state="NV", postal_code="89047",
        congressional_district="NV-004"))
    assert isinstance(org, models.Organization)
    assert isinstance(org.foreign_entity_of_concern, types.Unset)  # officers only, and optional
    officer_view = api("organizations.organizations_retrieve").sync(id=org.id, client=officer)
    assert officer_view.foreign_entity_of_concern is False

    project = api("projects.projects_create").sync(client=maria, body=models.ProjectRequest(
        organization=org.id, name="Clayton Valley Lithium Refinery", facility_type=models.FacilityTypeEnum.REFINING,
        stage=models.ProjectStageEnum.CONSTRUCTION, minerals=[lithium], state="NV", county="Esmeralda"))
    assert project.organization == org.id and project.organization_name == org.legal_name

    start = timezone.localdate() + dt.timedelta(days=120)
    budget = models.BudgetRequest(personnel="1200000.00", fringe="300000.00", equipment="9000000.00",
                                  construction="5000000.00", indirect="500000.00")
    application = api("applications.applications_create").sync(
        client=maria, idempotency_key="client-smoke-1", body=models.ApplicationRequest(
            opportunity=opportunity.id, organization=org.id, project=project.id,
            title="Clayton Valley refinery construction loan", instrument=models.InstrumentEnum.LOAN,
            federal_amount_requested="8000000.00", cost_share_amount="8000000.00",
            period_start=start, period_end=start + dt.timedelta(days=3 * 365),
            summary="Build a 20,000 t/yr lithium carbonate refinery.", budget=budget))
    assert isinstance(application, models.Application)
    assert application.status == models.ApplicationStatusEnum.DRAFT
    assert application.budget.total == application.total_project_cost == "16000000.00"

    for kind, name in [(models.DocumentKindEnum.TECHNICAL_REPORT, "technical-report.pdf"),
                       (models.DocumentKindEnum.BUDGET_JUSTIFICATION, "budget-justification.pdf")]:
        document = api("applications.applications_documents_create").sync(
            id=application.id, client=maria, body=models.DocumentUploadRequest(
                file=types.File(payload=io.BytesIO(pdf_bytes(name)), file_name=name, mime_type="application/pdf"),
                kind=kind))
        assert isinstance(document, models.Document) and document.content_type == "application/pdf"
    documents = api("applications.applications_documents_list").sync(id=application.id, client=maria)
    assert documents.count == 2

    submitted = api("applications.applications_transition").sync(
        id=application.id, name=models.ApplicationsTransitionName.SUBMIT, client=maria,
        body=models.TransitionRequestRequest(comment="Ready."))
    assert submitted.status == models.ApplicationStatusEnum.SUBMITTED
    history = api("applications.applications_history_list").sync(id=application.id, client=maria)
    assert [(h.transition, h.to_state) for h in history.results] == [
        (models.ApplicationHistoryTransitionEnum.SUBMIT, models.ApplicationStatusEnum.SUBMITTED)]

    # Merit review happens outside this smoke: write three submitted reviews directly.
    app = set_status(Application.objects.get(pk=application.id), ApplicationStatus.REVIEWED)
    for reviewer, scores in zip(reviewers(3), ([5, 4], [4, 4], [3, 3]), strict=True):
        submitted_review(app, reviewer, scores)
    ranking = api("opportunities.opportunities_ranking_list").sync(id=opportunity.id, client=officer)
    assert isinstance(ranking, models.PaginatedRankingRowList) and ranking.count == 1
    [row] = ranking.results
    assert (row.application, row.organization, row.organization_name) == (app.pk, org.id, org.legal_name)
    assert row.review_count == 3
    reviews = api("applications.applications_reviews_list").sync(id=app.pk, client=officer)
    assert reviews.count == 3

    # Negotiated terms and the award (the letter renders in the eager Celery task).
    app = set_status(app, ApplicationStatus.NEGOTIATION)
    make_terms(app, instrument=Instrument.LOAN, federal_amount=Decimal("8000000.00"))
    terms = api("awards.applications_terms_retrieve").sync(id=app.pk, client=officer)
    assert terms.loan.payment_frequency == models.PaymentFrequencyEnum.MONTHLY
    award = issue(app)
    award_view = api("awards.awards_retrieve").sync(id=award.pk, client=maria)
    assert award_view.letter.status == models.LetterStatusEnum.READY
    assert award_view.conditions == ["Quarterly progress reports are due 30 days after each quarter."]

    letter = api("awards.awards_letter_retrieve").sync(id=award.pk, client=maria)
    assert isinstance(letter, types.File)
    assert letter.payload.read().startswith(b"%PDF-")

    schedule = api("awards.awards_schedule_retrieve").sync(id=award.pk, client=maria)
    assert isinstance(schedule[0], models.Installment) and schedule[0].number == 1
    csv_response = maria.get_httpx_client().get(f"/api/v1/awards/{award.pk}/schedule/", params={"format": "csv"})
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    lines = csv_response.text.splitlines()
    assert len(lines) == len(schedule) + 1 and lines[0].lower().startswith("number")
