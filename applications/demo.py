"""Demo data: one account per role, an open opportunity, historical awards, demo applications,
and a two-step opportunity with white papers (whitepapers.demo).

``load_demo(password=...)`` is what ``manage.py load_demo`` runs. Everything is found or
created by natural key (username, opportunity number, organization UEI, project name per
organization, application title per organization and opportunity), so a second run
creates nothing and never touches existing accounts or their passwords. New records go
through the services (user_create, organization_create, opportunity_create,
project_create, application_create, document_upload, application_transition); only
the imported history, which records what already happened elsewhere, is written
directly (see demo_history.py) with an "import" transition-log row per application.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts import mfa
from accounts.choices import MemberRole, Role
from accounts.models import Membership, Organization, User
from accounts.services import organization_create, user_create

from . import demo_history as history
from .choices import ApplicationStatus, DocumentKind, FacilityType, Instrument, ProjectStage
from .models import Application, FundingOpportunity, Mineral, Project
from .services import (
    application_create,
    application_transition,
    document_upload,
    log_transition,
    opportunity_create,
    project_create,
)

# Printed by load_demo; set DEMO_PASSWORD to choose another. Refused outside DEBUG (see the command).
DEFAULT_PASSWORD = "Critical-Minerals-Demo-2026"
# Demo staff sign in with a second factor: every demo staff account gets this RFC 6238
# secret (DEMO_TOTP_SECRET to choose another), printed by load_demo like the password.
DEFAULT_TOTP_SECRET = "DPATITLEIIIDEMOSECRETKEY"

ACCOUNTS = (
    {"username": "demo_applicant", "role": Role.APPLICANT, "first_name": "Dana", "last_name": "Whitfield"},
    {"username": "demo_reviewer1", "role": Role.REVIEWER, "first_name": "Ravi", "last_name": "Anand"},
    {"username": "demo_reviewer2", "role": Role.REVIEWER, "first_name": "Maria", "last_name": "Castellanos"},
    {"username": "demo_reviewer3", "role": Role.REVIEWER, "first_name": "Tom", "last_name": "Okafor"},
    {"username": "demo_officer", "role": Role.PROGRAM_OFFICER, "first_name": "Helen", "last_name": "Park",
     "award_authority": True, "job_title": "Program Officer and Agreements Officer, DPA Title III"},
    {"username": "demo_admin", "role": Role.ADMIN, "first_name": "Sam", "last_name": "Admin"},
)

RUBRIC = [
    {"name": "Technical merit", "weight": 30,
     "description": "Soundness and maturity of the technical approach, process and schedule."},
    {"name": "Supply-chain and national-security impact", "weight": 30,
     "description": "Domestic capacity created for a mineral with a defense supply shortfall."},
    {"name": "Management and financial capability", "weight": 20,
     "description": "Team, cost share commitment and ability to finance the full project."},
    {"name": "Environmental and community", "weight": 10, "allows_na": True,
     "description": "Permitting status, environmental stewardship and community engagement."},
    {"name": "Cost realism", "weight": 10,
     "description": "The budget is complete, reasonable and consistent with the work."},
]
OPEN_NUMBER = "FA8650-26-S-0001"
HISTORY_NUMBER = "HIST-CM-2020-2025"
ALL_INSTRUMENTS = [i.value for i in Instrument]
# Historical organizations the demo applicant represents, so applicant pages show history.
APPLICANT_HISTORY_ORGS = ("Graphite One (Alaska)", "Perpetua Resources Idaho")
DEMO_ORG = {
    "legal_name": "Bitterroot Critical Metals, Inc. (fictional demo company)",
    "ein": "841234567", "naics_code": "331410", "address_line1": "1200 Demo Avenue",
    "city": "Salmon", "state": "ID", "postal_code": "83467", "congressional_district": "ID-02",
    # Fictional owners: a Canadian fund and a token Chinese holding. Disclosed to the officer
    # for review, but below the foreign-entity-of-concern threshold (domain.md).
    "owners": [
        {"name": "Bitterroot Founders LLC (fictional)", "country": "US", "percent": Decimal("60.00")},
        {"name": "Laurentian Resource Partners LP (fictional)", "country": "CA", "percent": Decimal("30.00")},
        {"name": "Xinlu Minerals Investment Co. (fictional)", "country": "CN", "percent": Decimal("2.00")},
    ],
}


@dataclass
class DemoResult:
    """What a run created, found and skipped, for the command's summary."""

    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, password note
    skipped_rows: list[str] = field(default_factory=list)
    undated_awards: list[str] = field(default_factory=list)
    totp_uris: list[str] = field(default_factory=list)  # staff enrolled in this run
    imported_rows: int = 0

    seen: set = field(default_factory=set)

    def count(self, kind: str, created: bool, key=None) -> None:
        """Tally one record; ``key`` keeps a record met twice in one run from counting twice."""
        if key is not None:
            if (kind, key) in self.seen:
                return
            self.seen.add((kind, key))
        bucket = self.created if created else self.existing
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


def minimal_pdf(title: str, lines: list[str]) -> bytes:
    """A small but well-formed one-page PDF (Helvetica text), with a correct xref table."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 16 Tf", "72 720 Td", f"({esc(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        ops += ["0 -20 Td", f"({esc(line)}) Tj"]
    stream = "\n".join(ops + ["ET"]).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _eastern(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=history.EASTERN)


# ---------------------------------------------------------------- accounts


def ensure_accounts(result: DemoResult, password: str, totp_secret: str = DEFAULT_TOTP_SECRET) -> dict[str, User]:
    """One account per role; existing accounts are left exactly as they are, except that a
    staff account without a second factor is given the demo TOTP secret."""
    users = {}
    for spec in ACCOUNTS:
        user = User.objects.filter(username__iexact=spec["username"]).first()
        result.count("users", user is None)
        if user is None:
            user = user_create(email=f"{spec['username']}@example.gov", password=password, **spec)
            result.accounts.append((user.username, user.role, password))
        else:
            result.accounts.append((user.username, user.role, "(existing account; password unchanged)"))
        if mfa.staff_must_enrol(user) and not mfa.has_second_factor(user):
            device, _codes = mfa.enrol(user, secret=totp_secret, actor=None)
            result.totp_uris.append(device.config_url)
        users[spec["username"]] = user
    return users


# ---------------------------------------------------------------- opportunities


def ensure_open_opportunity(result: DemoResult, officer: User) -> FundingOpportunity:
    opp = FundingOpportunity.objects.filter(number=OPEN_NUMBER).first()
    result.count("opportunities", opp is None)
    if opp is not None:
        return opp
    today = timezone.localdate()
    return opportunity_create(
        actor=officer, rubric=RUBRIC, number=OPEN_NUMBER,
        title="Domestic Critical Minerals Production and Processing",
        description=(
            "Defense Production Act Title III financial assistance to create, maintain, protect, "
            "expand or restore domestic production and processing of critical minerals for national "
            "defense. Canada counts as a domestic source. Federal share up to 50%; applicants must "
            "provide at least 50% of total project cost. (Demo solicitation.)"
        ),
        instruments=ALL_INSTRUMENTS,
        opens_at=_eastern(today - timedelta(days=10), 9),
        closes_at=_eastern(today + timedelta(days=45), 17),  # 5:00 p.m. Eastern, as federal deadlines are
        budget_ceiling=Decimal("500000000.00"), max_award=Decimal("150000000.00"),
        min_cost_share_percent=Decimal("50"), min_reviewers=3, review_window_days=30,
    )


def ensure_history_opportunity(result: DemoResult, officer: User, rows: list) -> FundingOpportunity:
    opp = FundingOpportunity.objects.filter(number=HISTORY_NUMBER).first()
    result.count("opportunities", opp is None)
    if opp is not None:
        return opp
    amounts = [row.amount for row in rows]
    return opportunity_create(
        actor=officer, rubric=RUBRIC, number=HISTORY_NUMBER,
        title="Historical critical-mineral awards 2020-2025 (imported)",
        description=(
            "Publicly announced federal critical-mineral awards, imported for portfolio views. "
            "Not a solicitation: it mixes DPA Title III awards with DoD IBAS contracts, Office of "
            "Strategic Capital loans and DOE loans and grants; each application's summary names "
            "its program, source and caveats. Canadian projects are included (Canada is a "
            "domestic source under DPA Title III)."
        ),
        instruments=ALL_INSTRUMENTS,
        opens_at=_eastern(date(2020, 1, 1), 9), closes_at=_eastern(date(2025, 12, 31), 17),
        budget_ceiling=sum(amounts, Decimal("0")), max_award=max(amounts),
        min_cost_share_percent=Decimal("0"), min_reviewers=3,
    )


# ---------------------------------------------------------------- history


def _history_organization(result: DemoResult, row) -> Organization:
    uei = history.synthetic_uei(row.organization_name)
    org = Organization.objects.filter(uei=uei).first()
    if org is not None and org.legal_name != row.organization_name:
        raise ValueError(f"UEI {uei} for {row.organization_name!r} is taken by {org.legal_name!r}.")
    result.count("organizations", org is None, key=uei)
    if org is None:
        org = Organization(
            legal_name=row.organization_name, uei=uei, ein=history.synthetic_ein(row.organization_name),
            naics_code=history.naics_for(row), address_line1="Street address not in the public announcement",
            city=row.location[:100], country=row.country, state=row.state, postal_code="00000",
            congressional_district=history.congressional_district(row.state, row.country),
        )
        org.full_clean()
        org.save()
    return org


def _history_project(result: DemoResult, org: Organization, row, minerals: dict) -> Project:
    project = Project.objects.filter(organization=org, name=row.project_name).first()
    result.count("projects", project is None, key=(org.pk, row.project_name))
    if project is None:
        project = Project(
            organization=org, name=row.project_name, facility_type=row.facility_type, stage=row.stage,
            country=row.country, state=row.state, county=row.county,
            description=f"{row.mineral_text}. Imported from a public award announcement.",
        )
        project.full_clean()
        project.save()
    project.minerals.add(*(minerals[name] for name in row.minerals))  # idempotent
    return project


def import_history(result: DemoResult, officer: User, rows: list) -> FundingOpportunity:
    """Organizations, projects and awarded applications for the importable CSV rows."""
    opp = ensure_history_opportunity(result, officer, rows)
    minerals = {m.name: m for m in Mineral.objects.filter(name__in={n for r in rows for n in r.minerals})}
    missing = {n for r in rows for n in r.minerals} - set(minerals)
    if missing:
        raise ValueError(f"Minerals missing from reference data: {', '.join(sorted(missing))}.")
    for row in rows:
        org = _history_organization(result, row)
        project = _history_project(result, org, row, minerals)
        app = Application.objects.filter(opportunity=opp, organization=org, title=row.title).first()
        result.count("historical applications", app is None)
        if app is not None:
            continue
        total = row.amount + row.cost_share
        app = Application(
            opportunity=opp, organization=org, project=project, title=row.title, instrument=row.instrument,
            federal_amount_requested=row.amount, cost_share_amount=row.cost_share, summary=row.summary(),
            submitted_at=row.submitted_at,
            # Imported history is not a transition fired now: the row is created in the
            # state it reached elsewhere, and the import is logged as its first history row.
            status=ApplicationStatus.AWARDED,
            **{f"budget_{k}": v for k, v in history.split_budget(total, row.facility_type).items()},
        )
        app.full_clean(exclude=["status", "created_by"])
        app.save()
        log_transition(subject=app, transition="import", from_state=ApplicationStatus.DRAFT,
                       to_state=ApplicationStatus.AWARDED, actor=None, internal=False,
                       comment=f"Imported from public award announcement: {row.source_url}")
    import_history_awards(result, officer, opp, rows)
    return opp


def import_history_awards(result: DemoResult, officer: User, opp: FundingOpportunity, rows: list) -> None:
    """Award and Obligation rows for the imported awarded applications, numbered in the fiscal
    year of their announcement, oldest first (so a second run, finding them, adds nothing).

    An application imported without a record of its own gets the imported data as its
    submitted record. A row without a verified date gets no award: its fiscal year, and so
    its number, is unknown; the command reports it.
    """
    from awards.models import Award
    from awards.services import award_import

    from .record import freeze

    dated = sorted((r for r in rows if r.submitted_at), key=lambda r: (r.submitted_at, r.line))
    for row in [*dated, *(r for r in rows if not r.submitted_at)]:
        app = Application.objects.get(opportunity=opp, organization__uei=history.synthetic_uei(row.organization_name),
                                      title=row.title)
        if app.submitted_record is None:
            freeze(app)
            app.save(update_fields=["submitted_record"])
        if row.submitted_at is None:
            result.undated_awards.append(f"line {row.line}: {row.company}: announcement date not verified, "
                                         "so no fiscal year or award number")
            continue
        exists = Award.objects.filter(application=app).exists()
        result.count("historical awards", not exists)
        if not exists:
            start = row.announced
            award_import(application=app, recorded_by=officer, issued_at=row.submitted_at,
                         period_start=start, period_end=history.period_end(start),
                         conditions=history.award_conditions(row))


# ---------------------------------------------------------------- demo applications


def _demo_application(result: DemoResult, *, applicant: User, opp: FundingOpportunity, org: Organization,
                      project_spec: dict, app_spec: dict, minerals: list[str]) -> Application:
    project = Project.objects.filter(organization=org, name=project_spec["name"]).first()
    result.count("projects", project is None)
    if project is None:
        project = project_create(actor=applicant, organization=org,
                                 minerals=Mineral.objects.filter(name__in=minerals), **project_spec)
    app = Application.objects.filter(opportunity=opp, organization=org, title=app_spec["title"]).first()
    result.count("demo applications", app is None)
    if app is None:
        total = app_spec["federal_amount_requested"] + app_spec["cost_share_amount"]
        app = application_create(actor=applicant, opportunity=opp, organization=org, project=project,
                                 budget=history.split_budget(total, project.facility_type), **app_spec)
    present = set(app.documents.values_list("kind", flat=True))
    for kind, lines in (
        (DocumentKind.TECHNICAL_REPORT, ["Process flowsheet, pilot results and schedule.",
                                         "Demo document generated by manage.py load_demo."]),
        (DocumentKind.BUDGET_JUSTIFICATION, [f"Total project cost: ${app.total_project_cost:,.2f}",
                                             f"Federal share: ${app.federal_amount_requested:,.2f}",
                                             f"Cost share: ${app.cost_share_amount:,.2f}"]),
    ):
        if kind not in present and app.status == ApplicationStatus.DRAFT:
            pdf = minimal_pdf(f"{DocumentKind(kind).label}: {app.title}", lines)
            document_upload(actor=applicant, application=app, kind=kind,
                            uploaded=SimpleUploadedFile(f"{kind}.pdf", pdf, content_type="application/pdf"))
            result.count("documents", True)
    return app


def create_demo_applications(result: DemoResult, applicant: User, opp: FundingOpportunity) -> None:
    """A fictional organization with one draft (ready to submit) and one submitted application."""
    uei = history.synthetic_uei(DEMO_ORG["legal_name"])
    org = Organization.objects.filter(uei=uei).first()
    result.count("organizations", org is None)
    if org is None:
        org = organization_create(actor=applicant, uei=uei, **DEMO_ORG)
    today = timezone.localdate()
    period = {"period_start": today + timedelta(days=120), "period_end": today + timedelta(days=120 + 3 * 365)}
    _demo_application(
        result, applicant=applicant, opp=opp, org=org, minerals=["antimony"],
        project_spec={"name": "Salmon River antimony trisulfide refinery (demo)",
                      "facility_type": FacilityType.REFINING, "stage": ProjectStage.FEASIBILITY,
                      "state": "ID", "county": "Lemhi County",
                      "annual_capacity_tonnes": Decimal("1500"),
                      "description": "Fictional demo project: refine antimony concentrate to "
                                     "military-specification antimony trisulfide."},
        app_spec={"title": "Domestic antimony trisulfide for munitions primers (demo draft)",
                  "instrument": Instrument.COOPERATIVE_AGREEMENT,
                  "federal_amount_requested": Decimal("12500000.00"),
                  "cost_share_amount": Decimal("12500000.00"), **period,
                  "summary": "Fictional demo draft: build a 1,500 t/yr antimony trisulfide line. "
                             "Complete and ready to submit."},
    )
    submitted = _demo_application(
        result, applicant=applicant, opp=opp, org=org, minerals=["tungsten"],
        project_spec={"name": "Beartooth tungsten concentrator (demo)",
                      "facility_type": FacilityType.PROCESSING, "stage": ProjectStage.CONSTRUCTION,
                      "state": "MT", "county": "Stillwater County",
                      "annual_capacity_tonnes": Decimal("3000"),
                      "description": "Fictional demo project: concentrate scheelite ore to APT feedstock."},
        app_spec={"title": "Tungsten concentrate for defense alloys (demo)",
                  "instrument": Instrument.GRANT,
                  "federal_amount_requested": Decimal("40000000.00"),
                  "cost_share_amount": Decimal("45000000.00"), **period,
                  "summary": "Fictional demo application: restart tungsten concentrate production. "
                             "Submitted, waiting for screening."},
    )
    if submitted.status == ApplicationStatus.DRAFT:
        application_transition(application_id=submitted.pk, name="submit", actor=applicant)
        result.count("submissions", True)


def link_applicant_to_history(result: DemoResult, applicant: User) -> None:
    for name in APPLICANT_HISTORY_ORGS:
        org = Organization.objects.filter(uei=history.synthetic_uei(name)).first()
        if org is not None:
            _, created = Membership.objects.get_or_create(
                organization=org, user=applicant, defaults={"role": MemberRole.AUTHORIZED_REPRESENTATIVE})
            result.count("memberships", created)


@transaction.atomic
def load_demo(*, password: str = DEFAULT_PASSWORD, totp_secret: str = DEFAULT_TOTP_SECRET) -> DemoResult:
    """Load every piece of demo data, all or nothing; safe to run again."""
    result = DemoResult()
    rows = history.read_rows()
    importable = [row for row in rows if not row.skip_reason]
    result.skipped_rows = [f"line {r.line}: {r.company}: {r.skip_reason}"
                           for r in rows if r.skip_reason]
    result.imported_rows = len(importable)
    users = ensure_accounts(result, password, totp_secret)
    officer, applicant = users["demo_officer"], users["demo_applicant"]
    import_history(result, officer, importable)
    link_applicant_to_history(result, applicant)
    opp = ensure_open_opportunity(result, officer)
    create_demo_applications(result, applicant, opp)
    from whitepapers.demo import create_two_step_demo  # step one of a two-step solicitation

    create_two_step_demo(result, officer, applicant)
    from payments.demo import load_payments_demo

    load_payments_demo(result, officer=officer, applicant=applicant)

    from postaward.demo import load_post_award_demo

    load_post_award_demo(result, officer=officer, applicant=applicant)
    return result
