"""Builders for white-paper tests. States are reached through the one door, as in use."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import MemberRole
from applications.choices import Instrument
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
)
from whitepapers import services
from whitepapers.models import WhitePaper

D = dt.timedelta(days=1)


def pdf_pages(n: int, title: str = "White paper") -> bytes:
    """A real PDF of ``n`` pages (pypdf writes it; uploads are parsed with pypdf)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(pages: int = 3, name: str = "white-paper.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_pages(pages), content_type="application/pdf")


def two_step_opportunity(**kwargs):
    now = timezone.now()
    kwargs.setdefault("opens_at", now - 10 * D)
    kwargs.setdefault("white_paper_closes_at", now + 5 * D)
    kwargs.setdefault("closes_at", now + 60 * D)
    return OpportunityFactory(two_step=True, **kwargs)


def organization_with_aor(aor=None):
    org = OrganizationFactory()
    aor = aor or UserFactory()
    MembershipFactory(organization=org, user=aor, role=MemberRole.AUTHORIZED_REPRESENTATIVE)
    return org, aor


def contributor_of(org):
    user = UserFactory()
    MembershipFactory(organization=org, user=user, role=MemberRole.CONTRIBUTOR)
    return user


def draft(*, opportunity=None, organization=None, aor=None, document: bool = True, **fields) -> WhitePaper:
    opportunity = opportunity or two_step_opportunity()
    if organization is None:
        organization, aor = organization_with_aor(aor)
    project = fields.pop("project", None) or ProjectFactory(organization=organization)
    values = {"title": "Antimony trisulfide line", "instrument": Instrument.GRANT,
              "federal_amount_estimate": Decimal("12000000.00"), "summary": "A 1,500 t/yr line.", **fields}
    wp = services.white_paper_create(actor=aor, opportunity=opportunity, organization=organization,
                                     project=project, **values)
    if document:
        services.white_paper_document_upload(actor=aor, white_paper=wp, uploaded=pdf_upload())
    return wp


def aor_for(wp):
    from tests.factories import aor_of

    return aor_of(wp.organization)


def submitted(**kwargs) -> WhitePaper:
    wp = draft(**kwargs)
    return services.white_paper_transition(white_paper_id=wp.pk, name="submit", actor=aor_for(wp))


def encouraged(*, officer=None, due=None, **kwargs) -> WhitePaper:
    wp = submitted(**kwargs)
    officer = officer or UserFactory(officer=True)
    return services.white_paper_transition(
        white_paper_id=wp.pk, name="encourage", actor=officer,
        data={"comment": "Please send a full proposal.", "proposal_due_at": due or timezone.now() + 30 * D})


def discouraged(*, officer=None, **kwargs) -> WhitePaper:
    wp = submitted(**kwargs)
    return services.white_paper_transition(white_paper_id=wp.pk, name="discourage",
                                           actor=officer or UserFactory(officer=True),
                                           data={"comment": "Outside the program's priorities."})
