"""Loan servicing arithmetic: what is still owed on each installment of the derived
schedule, how a repayment is applied to it, and where a loan stands on a day.

Pure Python over ``awards.schedule`` rows (no database), like the schedule itself, so the
cents can be tested and reviewed on their own. Rules:

* A repayment is applied to installments in due-date order (oldest unpaid first); within
  an installment, to its interest first, then its principal. Whatever exceeds the current
  installment moves on to the next one, so an early or large payment prepays later
  installments in the same order.
* An installment is past due from the day after its due date while anything of it is
  unpaid; the loan is delinquent once its oldest unpaid installment is ``delinquency_days``
  (30) past due. Nothing is owed before any principal is disbursed. The next due date is the first unpaid installment due today or later
  (what is already late is reported as past due).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from awards.schedule import Installment

ZERO = Decimal("0.00")
DELINQUENCY_DAYS = 30


@dataclass(frozen=True)
class Due:
    """What is still owed on one installment."""

    number: int
    due_date: date
    interest: Decimal
    principal: Decimal

    @property
    def total(self) -> Decimal:
        return self.interest + self.principal


@dataclass(frozen=True)
class Allocation:
    number: int
    due_date: date
    interest: Decimal
    principal: Decimal


@dataclass(frozen=True)
class LoanPosition:
    principal_disbursed: Decimal
    principal_repaid: Decimal
    interest_paid: Decimal
    principal_outstanding: Decimal
    next_due_date: date | None
    next_due_amount: Decimal
    past_due_amount: Decimal
    days_past_due: int
    delinquent: bool
    oldest_unpaid: Due | None  # the oldest past-due installment, when any


def dues(schedule: Sequence[Installment], paid: Iterable[tuple[int, Decimal, Decimal]]) -> list[Due]:
    """Each installment with something still owed, after ``paid`` (installment number,
    interest, principal) rows already applied. Fully paid installments are left out."""
    paid_interest: dict[int, Decimal] = {}
    paid_principal: dict[int, Decimal] = {}
    for number, interest, principal in paid:
        paid_interest[number] = paid_interest.get(number, ZERO) + interest
        paid_principal[number] = paid_principal.get(number, ZERO) + principal
    out = []
    for row in schedule:
        interest = row.interest - paid_interest.get(row.number, ZERO)
        principal = row.principal - paid_principal.get(row.number, ZERO)
        if interest > 0 or principal > 0:
            out.append(Due(row.number, row.due_date, max(interest, ZERO), max(principal, ZERO)))
    return out


def allocate(amount: Decimal, owed: Sequence[Due]) -> tuple[list[Allocation], Decimal]:
    """Apply ``amount`` to ``owed`` (oldest first; interest, then principal). Returns the
    allocations and what is left over (more than everything still owed)."""
    left = amount
    allocations = []
    for due in owed:
        if left <= 0:
            break
        interest = min(left, due.interest)
        left -= interest
        principal = min(left, due.principal)
        left -= principal
        if interest or principal:
            allocations.append(Allocation(due.number, due.due_date, interest, principal))
    return allocations, left


def position(*, schedule: Sequence[Installment], paid: Iterable[tuple[int, Decimal, Decimal]],
             disbursed: Decimal, today: date, delinquency_days: int = DELINQUENCY_DAYS) -> LoanPosition:
    """Where a loan stands on ``today``."""
    paid = list(paid)
    # Nothing is owed on a loan of which nothing was lent yet.
    owed = dues(schedule, paid) if disbursed > 0 else []
    past = [d for d in owed if d.due_date < today]
    upcoming = next((d for d in owed if d.due_date >= today), None)
    oldest = past[0] if past else None
    days = (today - oldest.due_date).days if oldest else 0
    principal_repaid = sum((p for _, _, p in paid), ZERO)
    return LoanPosition(
        principal_disbursed=disbursed,
        principal_repaid=principal_repaid,
        interest_paid=sum((i for _, i, _ in paid), ZERO),
        principal_outstanding=max(disbursed - principal_repaid, ZERO),
        next_due_date=upcoming.due_date if upcoming else None,
        next_due_amount=upcoming.total if upcoming else ZERO,
        past_due_amount=sum((d.total for d in past), ZERO),
        days_past_due=days,
        delinquent=days >= delinquency_days,
        oldest_unpaid=oldest,
    )
