"""CSV exports of an opportunity's applications and awards, for the office's spreadsheets.
Applicant-entered text is neutralised against formula injection."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

from applications.models import Application
from awards.models import Award
from dpa_funding.csv_safety import spreadsheet_safe

APPLICATION_COLUMNS = ["application_id", "title", "organization", "uei", "project", "state", "instrument",
                       "status", "federal_amount_requested", "cost_share_amount", "submitted_at"]
AWARD_COLUMNS = ["award_number", "application_id", "organization", "uei", "instrument", "status",
                 "federal_amount", "cost_share_amount", "obligation", "obligation_released", "period_start",
                 "period_end", "issued_at", "acceptance_due_at"]


def _csv(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(v) if isinstance(v, str) else v for v in row] for row in rows)
    return response


def _iso(value) -> str:
    return value.isoformat() if value else ""


def applications_csv(opportunity) -> HttpResponse:
    apps = (Application.objects.filter(opportunity=opportunity)
            .select_related("organization", "project").order_by("id"))
    rows = ([a.pk, a.title, a.organization.legal_name, a.organization.uei, a.project.name, a.project.state,
             a.instrument, a.status, f"{a.federal_amount_requested:.2f}", f"{a.cost_share_amount:.2f}",
             _iso(a.submitted_at)] for a in apps.iterator(chunk_size=500))
    return _csv(f"{opportunity.number}-applications.csv", APPLICATION_COLUMNS, rows)


def awards_csv(opportunity) -> HttpResponse:
    awards = (Award.objects.filter(application__opportunity=opportunity)
              .select_related("application__organization", "obligation").order_by("id"))
    rows = []
    for a in awards:
        obligation = getattr(a, "obligation", None)
        rows.append([
            a.award_number, a.application_id, a.application.organization.legal_name,
            a.application.organization.uei, a.instrument, a.status, f"{a.federal_amount:.2f}",
            f"{a.cost_share_amount:.2f}", f"{obligation.amount:.2f}" if obligation else "",
            _iso(obligation.released_at) if obligation else "", _iso(a.period_start), _iso(a.period_end),
            _iso(a.issued_at), _iso(a.acceptance_due_at),
        ])
    return _csv(f"{opportunity.number}-awards.csv", AWARD_COLUMNS, rows)
