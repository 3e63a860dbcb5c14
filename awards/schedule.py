"""Loan repayment schedules for DPA Title III loan awards.

This module is deliberately pure Python (no Django imports): the arithmetic that
decides what a borrower owes must be testable, and reviewable, without a
database.  Views, serializers, PDF letters and CSV exports all call into it so
that every surface shows the same cents.

Rules (from the program's design doc):

* All money is ``Decimal``; every money amount is rounded half-up to cents.
* With ``f`` payments a year, the period rate is ``r = annual_rate_percent / 100 / f``
  and the loan has ``n = term_months * f / 12`` periods.
* The first ``g = grace_months * f / 12`` periods are interest-only.
* The remaining ``m = n - g`` periods pay the level payment
  ``P = principal * r / (1 - (1 + r) ** -m)`` (``principal / m`` when ``r == 0``),
  except the last, which repays the remaining balance plus its interest, so the
  principal repaid equals the principal exactly and the loan ends at 0.00.
* Period ``k`` (1-based) falls due ``k - 1`` periods after ``first_payment_date``;
  a day that does not exist in the target month is clamped to that month's last
  day, always starting again from the first payment date's day.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = [
    "CSV_HEADER",
    "MAX_PRINCIPAL",
    "MAX_TERM_MONTHS",
    "PERIODS_PER_YEAR",
    "Installment",
    "LoanInputs",
    "ScheduleError",
    "ScheduleSummary",
    "build_schedule",
    "level_payment",
    "schedule_csv_rows",
    "summarize",
]

#: Payments per year for each supported payment frequency.
PERIODS_PER_YEAR: dict[str, int] = {"monthly": 12, "quarterly": 4, "semiannual": 2, "annual": 1}

#: Longest loan term accepted (50 years).
MAX_TERM_MONTHS = 600

#: Largest principal accepted.  Far above any real award; it exists so that an
#: absurd (typo) amount is reported as a validation error on ``principal`` instead
#: of overflowing the 34-digit working precision deep inside the arithmetic.
MAX_PRINCIPAL = Decimal("999999999999999.99")

#: Header row produced by :func:`schedule_csv_rows`.
CSV_HEADER = ["number", "due_date", "payment", "interest", "principal", "balance"]

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")
_FIELD_ORDER = (
    "principal",
    "annual_rate_percent",
    "term_months",
    "grace_months",
    "payment_frequency",
    "first_payment_date",
)
# Working precision for the power and division steps.  34 significant digits
# (IEEE decimal128) keeps every intermediate exact to far below a cent for any
# principal up to MAX_PRINCIPAL, so the only roundings that matter are the
# documented half-up roundings to cents.
_WORKING_PRECISION = 34


class ScheduleError(ValueError):
    """A loan's inputs cannot produce a schedule.

    ``field`` names the offending input (``principal``, ``annual_rate_percent``,
    ``term_months``, ``grace_months``, ``payment_frequency`` or
    ``first_payment_date``) so that forms and API serializers can attach the
    message to the right field; ``message`` is a sentence fit to show a user.
    Subclassing ``ValueError`` lets callers that do not care about the field
    treat it like any other bad-value error.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LoanInputs:
    """Everything that determines a loan's repayment schedule.

    Frozen so that a schedule, its summary and its CSV export can never be
    computed from inputs that changed in between.
    """

    principal: Decimal
    annual_rate_percent: Decimal
    term_months: int
    grace_months: int
    payment_frequency: str
    first_payment_date: date

    def validation_errors(self) -> dict[str, str]:
        """Return every problem with these inputs, keyed by field name.

        An empty dict means :func:`build_schedule` will succeed.  All problems
        are reported at once (one message per field) so a form can show them
        together rather than making the user fix them one round-trip at a time.
        Fields appear in declaration order, which is also the order in which
        :meth:`validate` picks the error it raises.
        """
        errors = self._field_errors()
        if not errors:
            # Only meaningful once every individual field is valid.
            problem = _overpayment_problem(self)
            if problem is not None:
                errors["principal"] = problem
        return errors

    def validate(self) -> None:
        """Raise :class:`ScheduleError` for the first problem, if any.

        The convenience form of :meth:`validation_errors` for code paths that
        only need to stop on bad input (schedule building, management commands).
        """
        errors = self.validation_errors()
        if errors:
            field, message = next(iter(errors.items()))
            raise ScheduleError(field, message)

    def _field_errors(self) -> dict[str, str]:
        """Check each input on its own (and against the others' plain values)."""
        errors: dict[str, str] = {}

        principal = _as_finite_decimal(self.principal)
        if principal is None:
            errors["principal"] = "Principal must be a decimal amount."
        elif principal <= 0:
            errors["principal"] = "Principal must be greater than zero."
        elif principal > MAX_PRINCIPAL:
            errors["principal"] = f"Principal must not exceed {MAX_PRINCIPAL:,}."
        elif principal != principal.quantize(_CENT):
            errors["principal"] = "Principal must have at most 2 decimal places."

        rate = _as_finite_decimal(self.annual_rate_percent)
        if rate is None:
            errors["annual_rate_percent"] = "Annual rate must be a decimal percentage."
        elif not Decimal(0) <= rate <= Decimal(100):
            errors["annual_rate_percent"] = "Annual rate must be between 0 and 100 percent."

        frequency = self.payment_frequency
        periods_per_year = PERIODS_PER_YEAR.get(frequency) if isinstance(frequency, str) else None
        if periods_per_year is None:
            known = ", ".join(PERIODS_PER_YEAR)
            errors["payment_frequency"] = (
                f"Unknown payment frequency {frequency!r}; expected one of: {known}."
            )
        months_per_period = 12 // periods_per_year if periods_per_year else None

        term = self.term_months
        term_in_range = _is_int(term) and 1 <= term <= MAX_TERM_MONTHS
        term_ok = False
        if not _is_int(term):
            errors["term_months"] = "Term must be a whole number of months."
        elif not 1 <= term <= MAX_TERM_MONTHS:
            errors["term_months"] = f"Term must be between 1 and {MAX_TERM_MONTHS} months."
        elif months_per_period and term % months_per_period:
            errors["term_months"] = (
                f"Term of {term} months is not a whole number of {frequency} periods "
                f"({months_per_period} months each)."
            )
        else:
            term_ok = True

        grace = self.grace_months
        if not _is_int(grace):
            errors["grace_months"] = "Grace period must be a whole number of months."
        elif grace < 0:
            errors["grace_months"] = "Grace period must not be negative."
        elif term_in_range and grace >= term:
            errors["grace_months"] = (
                f"Grace period ({grace} months) must be shorter than the term ({term} months)."
            )
        elif months_per_period and grace % months_per_period:
            errors["grace_months"] = (
                f"Grace period of {grace} months is not a whole number of {frequency} "
                f"periods ({months_per_period} months each)."
            )

        first = self.first_payment_date
        if not isinstance(first, date) or isinstance(first, datetime):
            errors["first_payment_date"] = "First payment date must be a date."
        elif term_ok and months_per_period:
            last_offset = term - months_per_period
            if first.year * 12 + first.month - 1 + last_offset >= 9999 * 12 + 12:
                errors["first_payment_date"] = "The final payment would fall after year 9999."

        # Report in field-declaration order (frequency was checked early because the
        # term and grace checks depend on it).
        return {name: errors[name] for name in _FIELD_ORDER if name in errors}


@dataclass(frozen=True)
class Installment:
    """One row of a repayment schedule; every money field is in cents.

    ``payment == interest + principal`` on every row, and ``balance`` is the
    principal still owed after this payment.
    """

    number: int
    due_date: date
    payment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal


@dataclass(frozen=True)
class ScheduleSummary:
    """Headline figures for award letters and dashboards.

    Computed from the schedule itself (not re-derived from formulas) so the
    totals always agree with the rows the borrower sees.
    """

    periods: int
    grace_periods: int
    level_payment: Decimal
    total_payments: Decimal
    total_interest: Decimal
    total_principal: Decimal
    final_due_date: date


def level_payment(inputs: LoanInputs) -> Decimal:
    """Return the level (amortizing) payment ``P`` in cents.

    This is the amount of every payment after the grace period except the last,
    which absorbs the accumulated cent rounding.  It is exposed separately
    because award letters quote it on its own.  Raises :class:`ScheduleError`
    for invalid inputs.
    """
    inputs.validate()
    return _level_payment(inputs)


def build_schedule(inputs: LoanInputs) -> list[Installment]:
    """Return the full repayment schedule, one :class:`Installment` per period.

    Raises :class:`ScheduleError` for invalid inputs (see
    :meth:`LoanInputs.validation_errors`).  The returned schedule always repays
    exactly ``inputs.principal`` and ends with a balance of 0.00.
    """
    inputs.validate()
    return _installments(inputs)


def summarize(schedule: Sequence[Installment], inputs: LoanInputs) -> ScheduleSummary:
    """Summarize a schedule built by :func:`build_schedule` from ``inputs``.

    Raises ``ValueError`` when the schedule's length does not match the number
    of periods ``inputs`` implies, which catches a schedule being paired with
    the wrong loan's inputs.
    """
    periods, grace_periods, _ = _period_counts(inputs)
    if len(schedule) != periods:
        raise ValueError(
            f"Schedule has {len(schedule)} installments but the inputs imply {periods} periods."
        )
    return ScheduleSummary(
        periods=periods,
        grace_periods=grace_periods,
        level_payment=level_payment(inputs),
        total_payments=sum((row.payment for row in schedule), _ZERO),
        total_interest=sum((row.interest for row in schedule), _ZERO),
        total_principal=sum((row.principal for row in schedule), _ZERO),
        final_due_date=schedule[-1].due_date,
    )


def schedule_csv_rows(schedule: Sequence[Installment]) -> Iterator[list[str]]:
    """Yield CSV rows for a schedule: the :data:`CSV_HEADER` row, then one per installment.

    Dates are ISO 8601 and money is a plain two-place decimal string (never
    exponent notation such as ``5E+8``), so spreadsheets and the finance
    system's importer read the exact cents.  Pass the rows to ``csv.writer``.
    """
    yield list(CSV_HEADER)
    for row in schedule:
        yield [
            str(row.number),
            row.due_date.isoformat(),
            _money_str(row.payment),
            _money_str(row.interest),
            _money_str(row.principal),
            _money_str(row.balance),
        ]


# --------------------------------------------------------------------------- internals


def _is_int(value: object) -> bool:
    """True for real integers; ``bool`` is excluded because ``True`` months is a bug."""
    return isinstance(value, int) and not isinstance(value, bool)


def _as_finite_decimal(value: object) -> Decimal | None:
    """Return ``value`` as a finite Decimal, or None if it is not one.

    Floats are refused on purpose: a float has already lost the cents.
    """
    if _is_int(value):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def _to_cents(value: Decimal) -> Decimal:
    """Round half-up to cents, as the design doc requires for every money amount."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _money_str(value: Decimal) -> str:
    """Format money as a plain two-place decimal string."""
    return format(_to_cents(value), "f")


def _period_counts(inputs: LoanInputs) -> tuple[int, int, int]:
    """Return ``(n, g, f)``: total periods, grace periods, periods per year."""
    f = PERIODS_PER_YEAR[inputs.payment_frequency]
    months_per_period = 12 // f
    return (
        inputs.term_months // months_per_period,
        inputs.grace_months // months_per_period,
        f,
    )


def _period_interest(balance: Decimal, inputs: LoanInputs, f: int) -> Decimal:
    """Interest for one period on ``balance``, in cents.

    Computed as ``balance * rate / (100 * f)`` rather than ``balance * r`` with a
    pre-rounded ``r``: the product is exact, so a true half-cent tie is seen as a
    tie and rounds up, as the doc requires.
    """
    with localcontext() as ctx:
        ctx.prec = _WORKING_PRECISION
        return _to_cents(balance * Decimal(inputs.annual_rate_percent) / (100 * f))


def _level_payment(inputs: LoanInputs) -> Decimal:
    """``P`` for already-validated inputs."""
    n, g, f = _period_counts(inputs)
    m = n - g
    principal = Decimal(inputs.principal)
    with localcontext() as ctx:
        ctx.prec = _WORKING_PRECISION
        r = Decimal(inputs.annual_rate_percent) / 100 / f
        if r == 0:
            return _to_cents(principal / m)
        return _to_cents(principal * r / (1 - (1 + r) ** -m))


def _due_date(first: date, number: int, f: int) -> date:
    """Due date of installment ``number`` (1-based).

    Months are added to the *first* payment date every time (never to the
    previous due date), so a loan starting on the 31st returns to the 31st in
    every month that has one instead of drifting down to the 28th.
    """
    months = (number - 1) * (12 // f)
    year, month0 = divmod(first.year * 12 + first.month - 1 + months, 12)
    month = month0 + 1
    day = min(first.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _installments(inputs: LoanInputs) -> list[Installment]:
    """Build the schedule for inputs whose individual fields are valid."""
    n, g, f = _period_counts(inputs)
    payment_level = _level_payment(inputs)
    balance = _to_cents(Decimal(inputs.principal))
    rows: list[Installment] = []
    for number in range(1, n + 1):
        interest = _period_interest(balance, inputs, f)
        if number <= g:
            principal_part = _ZERO
        elif number == n:
            principal_part = balance
        else:
            principal_part = payment_level - interest
        balance -= principal_part
        rows.append(
            Installment(
                number=number,
                due_date=_due_date(inputs.first_payment_date, number, f),
                payment=interest + principal_part,
                interest=interest,
                principal=principal_part,
                balance=balance,
            )
        )
    return rows


def _overpayment_problem(inputs: LoanInputs) -> str | None:
    """Explain why the level payment would pay the loan off early, or return None.

    Rounding ``P`` to cents can overshoot by up to half a cent a period.  For a
    tiny principal spread over many periods (e.g. 1.00 over 120 months at 0%,
    where ``P`` rounds up to 0.01) the level payments would repay the whole loan
    before the last period and then drive the balance negative.  The doc's rules
    cannot produce a sensible schedule then, so such inputs are rejected rather
    than silently producing negative balances or zero payments.
    """
    rows = _installments(inputs)
    for row in rows[:-1]:
        if row.balance <= 0:
            return (
                f"Principal {_money_str(Decimal(inputs.principal))} is too small to repay "
                f"over {len(rows)} periods: the level payment of "
                f"{_money_str(_level_payment(inputs))} would repay it by payment "
                f"{row.number}, before the final period."
            )
    return None
