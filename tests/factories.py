"""factory_boy factories with a trait per status (Hypha funds/tests/factories style).

Build an application ready to submit with ``ApplicationFactory(ready=True)``; reach any
later state with ``ApplicationFactory(status=...)``, which writes the state directly (as a
fixture, not a transition) because the field is protected from ordinary assignment.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import MemberRole, Role
from accounts.models import Membership, Organization, Owner, User
from applications.choices import (
    ApplicationStatus,
    DocumentKind,
    FacilityType,
    Instrument,
    ProjectStage,
)
from applications.models import (
    Application,
    Document,
    FundingOpportunity,
    Mineral,
    Project,
    RubricCriterion,
)

PASSWORD = "correct-horse-battery-staple-42"
UEI_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ123456789"


def _uei(n: int) -> str:
    out, n = [], n + 1000
    for _ in range(11):
        n, r = divmod(n, len(UEI_CHARS))
        out.append(UEI_CHARS[r])
    return "Z" + "".join(out)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.APPLICANT
    password = factory.django.Password(PASSWORD)

    class Params:
        officer = factory.Trait(role=Role.PROGRAM_OFFICER, award_authority=True)
        reviewer = factory.Trait(role=Role.REVIEWER)
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    legal_name = factory.Sequence(lambda n: f"Sierra Critical Metals {n} LLC")
    uei = factory.Sequence(_uei)
    ein = factory.Sequence(lambda n: f"{(123456789 + n) % 1000000000:09d}")
    naics_code = "212290"
    address_line1 = "100 Mine Road"
    city = "Elko"
    state = "NV"
    postal_code = "89801"
    congressional_district = "NV-002"


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Owner {n} Holdings")
    country = "CA"
    percent = Decimal("10.00")
    government_controlled = False


def owned(*owners, **org_fields) -> Organization:
    """An organization with owners given as (country, percent[, government_controlled])."""
    org = OrganizationFactory(**org_fields)
    for index, spec in enumerate(owners):
        country, percent, *rest = spec
        OwnerFactory(organization=org, name=f"Owner {index + 1}", country=country,
                     percent=Decimal(str(percent)), government_controlled=bool(rest and rest[0]))
    return org


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.AUTHORIZED_REPRESENTATIVE


def aor_of(organization) -> User:
    return Membership.objects.filter(
        organization=organization, role=MemberRole.AUTHORIZED_REPRESENTATIVE
    ).select_related("user").first().user


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Tonopah Flats Project {n}")
    facility_type = FacilityType.MINE
    stage = ProjectStage.FEASIBILITY
    state = "NV"
    county = "Esmeralda"

    @factory.post_generation
    def minerals(self, create, extracted, **kwargs):
        if not create:
            return
        self.minerals.set(extracted if extracted is not None else Mineral.objects.filter(name="lithium"))


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingOpportunity
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"FA8650-26-S-{n:04d}")
    title = "Domestic critical minerals production"
    instruments = [Instrument.GRANT, Instrument.COOPERATIVE_AGREEMENT, Instrument.LOAN]
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    budget_ceiling = Decimal("100000000.00")
    max_award = Decimal("50000000.00")
    min_cost_share_percent = Decimal("50")
    min_reviewers = 3

    @factory.post_generation
    def rubric(self, create, extracted, **kwargs):
        if not create:
            return
        items = extracted or [
            ("Technical merit", 40, False),
            ("Supply-chain impact", 30, False),
            ("Management and financial capability", 20, False),
            ("Environmental and community benefits", 10, True),
        ]
        for position, (name, weight, allows_na) in enumerate(items):
            RubricCriterion.objects.create(opportunity=self, name=name, weight=weight,
                                           allows_na=allows_na, position=position)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft by default; ``ready=True`` adds the budget and documents submit requires."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    opportunity = factory.SubFactory(OpportunityFactory)
    organization = factory.SubFactory(OrganizationFactory)
    project = factory.SubFactory(ProjectFactory, organization=factory.SelfAttribute("..organization"))
    title = "Lithium brine processing facility"
    instrument = Instrument.GRANT
    federal_amount_requested = Decimal("10000000.00")
    cost_share_amount = Decimal("10000000.00")
    period_start = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))
    period_end = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90 + 3 * 365))
    summary = "Construct a lithium carbonate plant producing 20,000 tonnes a year."
    budget_equipment = Decimal("12000000.00")
    budget_construction = Decimal("6000000.00")
    budget_personnel = Decimal("1500000.00")
    budget_indirect = Decimal("500000.00")

    @factory.post_generation
    def aor(self, create, extracted, **kwargs):
        """Ensure the organization has an authorized representative (pass a user to choose)."""
        if not create:
            return
        if extracted is not None:
            Membership.objects.get_or_create(organization=self.organization, user=extracted,
                                             defaults={"role": MemberRole.AUTHORIZED_REPRESENTATIVE})
        elif not Membership.objects.filter(organization=self.organization,
                                           role=MemberRole.AUTHORIZED_REPRESENTATIVE).exists():
            MembershipFactory(organization=self.organization)

    @factory.post_generation
    def ready(self, create, extracted, **kwargs):
        """Add the two documents submit requires (the budget defaults already balance)."""
        if create and extracted:
            uploader = aor_of(self.organization)
            for kind in (DocumentKind.TECHNICAL_REPORT, DocumentKind.BUDGET_JUSTIFICATION):
                DocumentFactory(application=self, kind=kind, uploaded_by=uploader)

    @classmethod
    def _create(cls, model_class, *args, status=None, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        if status and status != ApplicationStatus.DRAFT:
            set_status(obj, status)
        return obj


def set_status(application: Application, status: str) -> Application:
    """Put an application in a state for a test's setup (bypasses the protected field)."""
    submitted_at = application.submitted_at or timezone.now()
    Application.objects.filter(pk=application.pk).update(status=status, submitted_at=submitted_at)
    return Application.objects.get(pk=application.pk)


def pdf_bytes(text: str = "Technical report") -> bytes:
    """A real one-page PDF (uploads are parsed with pypdf)."""
    from applications.demo import minimal_pdf

    return minimal_pdf(text, [text])


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    application = factory.SubFactory(ApplicationFactory)
    kind = DocumentKind.TECHNICAL_REPORT
    file = factory.LazyFunction(lambda: SimpleUploadedFile("report.pdf", pdf_bytes()))
    original_name = "report.pdf"
    size = factory.LazyAttribute(lambda d: len(pdf_bytes()))
    content_type = "application/pdf"
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


