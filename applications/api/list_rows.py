"""The application list, rendered straight from database rows.

Listing 100 applications through ``ApplicationListSerializer`` spent most of its time
building four model instances per row and running a DecimalField per amount. The list
reads only the columns it shows, as tuples, and formats them the way the serializer
does (``tests/applications/test_list_rows.py`` holds the two outputs equal), while the
serializer stays the schema and the representation of a single application.
"""

from decimal import Decimal

from django.utils import timezone

from applications.choices import BUDGET_CATEGORIES, DIRECT_BUDGET_CATEGORIES
from applications.models import Application

_BUDGET = tuple(name for name, _ in BUDGET_CATEGORIES)
_DIRECT = tuple(DIRECT_BUDGET_CATEGORIES)
_COLUMNS = (
    "id", "opportunity_id", "opportunity__number", "organization_id", "organization__legal_name",
    "project_id", "project__name", "title", "instrument", "federal_amount_requested", "cost_share_amount",
    "period_start", "period_end", "summary", "status", "submitted_at", "response_due_at", "created_at",
    "updated_at", *(f"budget_{name}" for name in _BUDGET),
)
_B0 = 19  # index of the first budget column


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _datetime(value) -> str | None:
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


def _row(r: tuple) -> dict:
    budget = dict(zip(_BUDGET, r[_B0:], strict=True))
    direct = sum((budget[n] for n in _DIRECT), Decimal("0"))
    rendered_budget = {name: _money(v) for name, v in budget.items()}
    rendered_budget["total_direct"] = _money(direct)
    rendered_budget["total"] = _money(direct + budget["indirect"])
    return {
        "id": r[0], "opportunity": r[1], "opportunity_number": r[2], "organization": r[3],
        "organization_name": r[4], "project": r[5], "project_name": r[6], "title": r[7],
        "instrument": r[8], "federal_amount_requested": _money(r[9]), "cost_share_amount": _money(r[10]),
        "total_project_cost": _money((r[9] or Decimal("0")) + (r[10] or Decimal("0"))),
        "period_start": _date(r[11]), "period_end": _date(r[12]), "summary": r[13],
        "budget": rendered_budget, "status": r[14], "submitted_at": _datetime(r[15]),
        "response_due_at": _datetime(r[16]), "created_at": _datetime(r[17]), "updated_at": _datetime(r[18]),
    }


def application_list_rows(ids: list[int]) -> list[dict]:
    """One query for the page's rows, in the order of ``ids`` (already sorted and paged)."""
    by_id = {r[0]: r for r in Application.objects.filter(pk__in=ids).values_list(*_COLUMNS)}
    return [_row(by_id[pk]) for pk in ids if pk in by_id]
