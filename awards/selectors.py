"""Reads for awards: visible awards, budget position per opportunity, loan schedules."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from applications.choices import CREDIT_INSTRUMENTS, Instrument
from applications.models import FundingOpportunity, Mineral

from .models import Award, AwardTerms, Obligation
from .schedule import Installment, LoanInputs, ScheduleError, build_schedule

# The loan fields of terms, in LoanInputs' names (drafted on the form or saved).
LOAN_FIELDS = ("principal", "annual_rate_percent", "term_months", "grace_months",
               "payment_frequency", "first_payment_date")

ZERO = Decimal("0.00")


def awards_visible_to(user):
    return (Award.objects.restrict(user)
            .select_related("application", "application__organization", "application__opportunity")
            .order_by("-issued_at", "-id"))


def opportunity_funds(opportunity: FundingOpportunity) -> dict:
    """The opportunity's budget position from active (unreleased) obligations.

    ``by_mineral``: an award counts in full under EACH mineral of its project (a lithium
    and cobalt project's obligation appears under both), because the office asks "how much
    money supports cobalt?", not "how do we apportion a plant". So by-mineral amounts can
    add up to more than ``obligated``; ``by_instrument`` always adds up to it.
    """
    active = Q(released_at__isnull=True)
    obligations = Obligation.objects.filter(active, opportunity=opportunity)
    obligated = obligated_total(opportunity.pk)
    by_instrument_rows = {
        row["instrument"]: row
        for row in obligations.values("instrument").annotate(obligated=Sum("amount"), awards=Count("id"))
    }
    by_instrument = [
        {
            "instrument": value, "label": label,
            "obligated": by_instrument_rows.get(value, {}).get("obligated") or ZERO,
            "awards": by_instrument_rows.get(value, {}).get("awards") or 0,
        }
        for value, label in Instrument.choices
        if value in (opportunity.instruments or []) or value in by_instrument_rows
    ]
    by_mineral = _funds_by_mineral(opportunity)
    ceiling = opportunity.budget_ceiling
    return {
        "opportunity": opportunity.pk,
        "budget_ceiling": ceiling,
        "obligated": obligated,
        "available": ceiling - obligated,
        "by_instrument": by_instrument,
        "by_mineral": by_mineral,
    }


def _funds_by_mineral(opportunity: FundingOpportunity) -> list[dict]:
    """Active obligations per mineral, by the minerals each application was submitted with.

    Applications never submitted through the system (imported without a record) count
    under their project's minerals; both sums run in the database.
    """
    totals: dict[int, dict] = {}
    paths = (
        ("submitted_applications__issued_award__obligation__", {}),
        ("projects__applications__issued_award__obligation__",
         {"projects__applications__submitted_record__isnull": True}),
    )
    for path, extra in paths:
        rows = (Mineral.objects
                .filter(**{f"{path}opportunity": opportunity, f"{path}released_at__isnull": True}, **extra)
                .annotate(obligated=Sum(f"{path}amount"), awards=Count(f"{path}id"))
                .values("id", "name", "symbol", "obligated", "awards"))
        for m in rows:
            row = totals.setdefault(m["id"], {"mineral": m["id"], "name": m["name"], "symbol": m["symbol"],
                                              "obligated": ZERO, "awards": 0})
            row["obligated"] += m["obligated"]
            row["awards"] += m["awards"]
    return sorted(totals.values(), key=lambda r: (-r["obligated"], r["name"]))


def award_schedule(award: Award) -> list[Installment] | None:
    """The repayment schedule of a loan award (None for other instruments)."""
    loan = getattr(award, "loan", None) if award.is_credit else None
    if loan is None:
        return None
    return build_schedule(loan.inputs())


def obligated_total(opportunity_id: int) -> Decimal:
    """What the opportunity has obligated: its active (unreleased) obligations. The one
    answer used by funds, the budget lock, the ceiling check and the issue page."""
    return Obligation.objects.filter(opportunity_id=opportunity_id, released_at__isnull=True).aggregate(
        s=Sum("amount"))["s"] or ZERO


def loan_schedule_preview(instrument: str | None, values: dict) -> tuple[list[Installment] | None, dict[str, str]]:
    """The repayment schedule of loan terms, drafted (form values) or saved: (rows, errors).
    Rows are None when the instrument is not a loan or the loan fields are incomplete or
    invalid. The one computation behind the terms page, the terms API and the award."""
    if instrument not in CREDIT_INSTRUMENTS:
        return None, {}
    fields = {f: values.get(f) for f in LOAN_FIELDS}
    if any(v in (None, "") for v in fields.values()):
        return None, {}
    try:
        return build_schedule(LoanInputs(**fields)), {}
    except ScheduleError as exc:
        return None, {exc.field: exc.message}
    except (TypeError, ValueError, ArithmeticError):
        return None, {}


def terms_schedule_preview(terms: AwardTerms | None) -> tuple[list[Installment] | None, dict[str, str]]:
    """Schedule preview of saved loan terms: (rows, errors)."""
    if terms is None:
        return None, {}
    return loan_schedule_preview(terms.instrument, {f: getattr(terms, f) for f in LOAN_FIELDS})


def installment_dict(row: Installment) -> dict:
    """One schedule row for JSON: money as two-place strings."""
    return {
        "number": row.number, "due_date": row.due_date.isoformat(),
        "payment": f"{row.payment:.2f}", "interest": f"{row.interest:.2f}",
        "principal": f"{row.principal:.2f}", "balance": f"{row.balance:.2f}",
    }
