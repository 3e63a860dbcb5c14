"""Writes for awards: negotiated terms, award issuance (called by the award transition),
acceptance, declining and rescission.

State changes of applications, awards and letters go through the one door
(``dpa_funding.lifecycle.fire``; tables in applications/workflow.py and
awards/workflow.py); the guards and effects in ``awards.guards`` call the functions here.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications.choices import CREDIT_INSTRUMENTS, ApplicationStatus, Instrument
from applications.models import Application, FundingOpportunity
from dpa_funding import lifecycle, policy
from dpa_funding.errors import (
    Conflict,
    InvalidTransition,
    ValidationFailed,
)
from dpa_funding.lifecycle import log_transition

from .choices import AwardStatus, LetterStatus
from .models import Award, AwardNumberSequence, AwardTerms, LoanTerms, Obligation
from .schedule import LoanInputs
from .selectors import LOAN_FIELDS  # noqa: F401  (re-exported: views and forms name it here)

CENT = Decimal("0.01")
EASTERN = ZoneInfo("America/New_York")
TERMS_FIELDS = ("instrument", "federal_amount", "cost_share_amount", "period_start", "period_end", "conditions")
LOAN_LABELS = {
    "principal": "the principal", "annual_rate_percent": "the annual interest rate",
    "term_months": "the term in months", "grace_months": "the grace period in months",
    "payment_frequency": "the payment frequency", "first_payment_date": "the first payment date",
}


# ---------------------------------------------------------------- money rules



def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def obligation_amount(*, instrument: str, federal_amount: Decimal, principal: Decimal | None,
                      opportunity: FundingOpportunity) -> Decimal:
    """What an award consumes from the budget.

    Grants, cooperative agreements and purchase commitments obligate the federal amount;
    loans and loan guarantees obligate only the estimated cost to the government,
    principal x credit subsidy rate (Federal Credit Reform Act), rounded half-up to cents.
    """
    if instrument in CREDIT_INSTRUMENTS:
        return money(Decimal(principal or 0) * opportunity.credit_subsidy_rate_percent / 100)
    return money(federal_amount)


def active_obligations_total(opportunity_id: int) -> Decimal:
    from .selectors import obligated_total

    return obligated_total(opportunity_id)


# ---------------------------------------------------------------- terms validation


def _dec(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def terms_errors(application: Application, values: dict, *, check_budget: bool = False) -> dict[str, list[str]]:
    """Every problem with a set of terms, by field (empty when the terms can be awarded).

    The same rules serve the officer's form/API (``terms_save``) and the award transition's
    ``terms_ready`` guard, so what the form accepts is what the award accepts.
    """
    opp = application.opportunity
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    instrument = values.get("instrument")
    if instrument not in Instrument.values:
        add("instrument", "Choose an instrument.")
    elif instrument not in (opp.instruments or []):
        add("instrument", f"This opportunity does not offer the instrument '{Instrument(instrument).label}'.")

    amount = _dec(values.get("federal_amount"))
    if amount is None:
        add("federal_amount", "Enter the federal amount.")
    elif amount <= 0:
        add("federal_amount", "The federal amount must be more than $0.")
    elif amount > opp.max_award:
        add("federal_amount", f"The federal amount exceeds the maximum award of ${opp.max_award:,.2f}.")
    elif amount != amount.quantize(CENT):
        add("federal_amount", "Enter the amount in dollars and cents.")

    share = _dec(values.get("cost_share_amount"))
    if share is None:
        add("cost_share_amount", "Enter the cost share amount (0 if none).")
    elif share < 0:
        add("cost_share_amount", "The cost share cannot be negative.")
    elif amount is not None and amount > 0:
        total = amount + share
        if share * 100 < opp.min_cost_share_percent * total:
            needed = money(opp.min_cost_share_percent * total / 100)
            add("cost_share_amount",
                f"Cost share must be at least {opp.min_cost_share_percent.normalize():f}% of the total "
                f"project cost (${needed:,.2f}); it is ${share:,.2f}.")

    start, end = values.get("period_start"), values.get("period_end")
    if not start:
        add("period_start", "Enter the start of the period of performance.")
    if not end:
        add("period_end", "Enter the end of the period of performance.")
    if start and end and end <= start:
        add("period_end", "The period of performance must end after it starts.")

    conditions = values.get("conditions") or []
    if not isinstance(conditions, list) or not all(isinstance(c, str) and c.strip() for c in conditions):
        add("conditions", "Conditions must be a list of non-empty sentences.")

    if instrument in CREDIT_INSTRUMENTS:
        missing = [f for f in LOAN_FIELDS if values.get(f) in (None, "")]
        for f in missing:
            add(f, f"Enter {LOAN_LABELS[f]} (required for loans and loan guarantees).")
        if not missing:
            inputs = LoanInputs(
                principal=_dec(values["principal"]), annual_rate_percent=_dec(values["annual_rate_percent"]),
                term_months=values["term_months"], grace_months=values["grace_months"],
                payment_frequency=values["payment_frequency"], first_payment_date=values["first_payment_date"],
            )
            for f, message in inputs.validation_errors().items():
                add(f, message)
            principal = _dec(values["principal"])
            if amount is not None and principal is not None and principal != amount:
                add("principal", "For loans and loan guarantees the principal must equal the federal amount.")

    if check_budget and not errors:
        obligation = obligation_amount(instrument=instrument, federal_amount=amount,
                                       principal=_dec(values.get("principal")), opportunity=opp)
        remaining = opp.budget_ceiling - active_obligations_total(opp.pk)
        if obligation > remaining:
            add("federal_amount",
                f"This award would obligate ${obligation:,.2f} but only ${remaining:,.2f} of the "
                f"opportunity's budget remains.")
    return errors


def terms_values(terms: AwardTerms) -> dict:
    return {f: getattr(terms, f) for f in TERMS_FIELDS + LOAN_FIELDS}


def terms_proposal(application: Application) -> dict:
    """Starting values for a first draft of terms: what the applicant requested."""
    values = {
        "instrument": application.instrument,
        "federal_amount": application.federal_amount_requested,
        "cost_share_amount": application.cost_share_amount,
        "period_start": application.period_start,
        "period_end": application.period_end,
        "conditions": [],
        **{f: None for f in LOAN_FIELDS},
    }
    values["payment_frequency"] = ""
    if application.instrument in CREDIT_INSTRUMENTS:
        values["principal"] = application.federal_amount_requested
        values["grace_months"] = 0
    return values


# ---------------------------------------------------------------- terms


def terms_save(*, actor, application: Application, expected_version: int | None = None, **fields) -> AwardTerms:
    """Create or update the negotiated terms of an application in negotiation.

    Fields not given keep their current value (or the applicant's request on the first save).
    Validated as the award transition will validate them, plus the remaining budget
    (checked again under a lock when the award is issued). Every save bumps ``version``;
    ``expected_version`` turns a stale edit into a 409 conflict.
    """
    policy.require(actor, "terms.change", application)
    unknown = set(fields) - set(TERMS_FIELDS + LOAN_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["This field is not part of the award terms."] for name in sorted(unknown)})
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("opportunity").get(pk=application.pk)
        if app.status != ApplicationStatus.NEGOTIATION:
            raise InvalidTransition("Terms can be edited only while the application is in negotiation.")
        terms = AwardTerms.objects.filter(application=app).first()
        if expected_version is not None and (terms.version if terms else 0) != expected_version:
            raise Conflict("The terms were changed by someone else; reload and retry.")
        values = terms_values(terms) if terms else terms_proposal(app)
        values.update(fields)
        if values.get("instrument") not in CREDIT_INSTRUMENTS:
            # Loan fields mean nothing for grants and agreements; never keep stale ones.
            values.update({f: None for f in LOAN_FIELDS}, payment_frequency="")
        if isinstance(values.get("conditions"), list):
            values["conditions"] = [c.strip() if isinstance(c, str) else c for c in values["conditions"]]
        errors = terms_errors(app, values, check_budget=True)
        if errors:
            raise ValidationFailed(errors)
        terms = terms or AwardTerms(application=app)
        for name, value in values.items():
            setattr(terms, name, value)
        terms.payment_frequency = terms.payment_frequency or ""  # a CharField: blank, never NULL
        terms.version = (terms.version or 0) + 1
        terms.updated_by = actor
        terms.save()
    return terms


# ---------------------------------------------------------------- issuance (award transition)


def fiscal_year_of(moment: dt.datetime) -> int:
    """Federal fiscal year of an instant, in US Eastern time (FY2027 starts 2026-10-01)."""
    local = moment.astimezone(EASTERN)
    return local.year + 1 if local.month >= 10 else local.year


def award_number_draw(fiscal_year: int) -> int:
    """Next sequence number of the fiscal year, under a row lock.

    Call inside the award's transaction: a rollback returns the number, so numbers stay
    gap-free. The row is created with ON CONFLICT DO NOTHING so two first awards of a year
    cannot both insert it.
    """
    AwardNumberSequence.objects.bulk_create([AwardNumberSequence(fiscal_year=fiscal_year)], ignore_conflicts=True)
    seq = AwardNumberSequence.objects.select_for_update().get(fiscal_year=fiscal_year)
    seq.last_number += 1
    seq.save(update_fields=["last_number"])
    return seq.last_number


def format_award_number(fiscal_year: int, sequence: int) -> str:
    return f"DPA3-FY{fiscal_year % 100:02d}-{sequence:04d}"


ACCEPTANCE_DEADLINE_TIME = dt.time(17, 0)  # 5:00 p.m. Eastern


def default_acceptance_due_at(issued_at: dt.datetime) -> dt.datetime:
    """5:00 p.m. Eastern on the ``AWARD_ACCEPTANCE_DAYS``-th (30th) calendar day after the
    Eastern date of issue. Built from the local date and wall-clock time, so the offset is
    the one in force on that day (EDT or EST), whatever it was at issue."""
    day = issued_at.astimezone(EASTERN).date() + dt.timedelta(days=settings.AWARD_ACCEPTANCE_DAYS)
    return dt.datetime.combine(day, ACCEPTANCE_DEADLINE_TIME, tzinfo=EASTERN)


def parse_deadline(value) -> dt.datetime | None:
    """A deadline from a request body (datetime or ISO 8601 string); naive means Eastern."""
    from django.utils.dateparse import parse_datetime

    if isinstance(value, str):
        value = parse_datetime(value.strip()) if value.strip() else None
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = value.replace(tzinfo=EASTERN)
    return value if isinstance(value, dt.datetime) else None


def award_issue(*, application: Application, actor, acceptance_due_at: dt.datetime | None = None) -> Award:
    """Create the Award, its Obligation and (loans) LoanTerms from the negotiated terms.

    Runs as the award transition's effect, inside its transaction, after the guards
    (which hold the opportunity row lock). Queues the letter on commit.
    """
    terms = AwardTerms.objects.get(application=application)
    now = timezone.now()
    fiscal_year = fiscal_year_of(now)
    sequence = award_number_draw(fiscal_year)
    award = Award.objects.create(
        application=application, award_number=format_award_number(fiscal_year, sequence),
        fiscal_year=fiscal_year, sequence=sequence, instrument=terms.instrument,
        federal_amount=terms.federal_amount, cost_share_amount=terms.cost_share_amount,
        period_start=terms.period_start, period_end=terms.period_end, conditions=list(terms.conditions or []),
        terms_version=terms.version, issued_by=actor, issued_at=now,
        acceptance_due_at=acceptance_due_at or default_acceptance_due_at(now),
    )
    if terms.instrument in CREDIT_INSTRUMENTS:
        LoanTerms.objects.create(
            award=award, principal=terms.principal, annual_rate_percent=terms.annual_rate_percent,
            term_months=terms.term_months, grace_months=terms.grace_months,
            payment_frequency=terms.payment_frequency, first_payment_date=terms.first_payment_date,
        )
    Obligation.objects.create(
        award=award, opportunity_id=application.opportunity_id, instrument=terms.instrument,
        amount=obligation_amount(instrument=terms.instrument, federal_amount=terms.federal_amount,
                                 principal=terms.principal, opportunity=application.opportunity),
    )
    log_transition(subject=award, transition="issue", from_state="", to_state=award.status, actor=actor)

    from ops import outbox

    # Owed in this transaction (ops.outbox): published right after commit, or by the beat
    # relay once the broker is back; a broker outage never turns the award into an error.
    outbox.enqueue("awards.tasks.generate_award_letter", award.pk, award.terms_version)
    return award


def award_import(*, application: Application, recorded_by, issued_at: dt.datetime,
                 period_start: dt.date, period_end: dt.date, conditions: list[str]) -> Award:
    """Record an award issued outside this system (historical data), with its obligation.

    Numbered in the fiscal year of ``issued_at`` from the same gap-free sequence as new
    awards; accepted (it was announced as made); its letter is marked imported, since no
    letter was generated here. ``recorded_by`` is the officer recording it (the field the
    award keeps for its issuer), and the import is logged as such.
    """
    fiscal_year = fiscal_year_of(issued_at)
    sequence = award_number_draw(fiscal_year)
    instrument = application.instrument
    amount = application.federal_amount_requested
    award = Award.objects.create(
        application=application, award_number=format_award_number(fiscal_year, sequence),
        fiscal_year=fiscal_year, sequence=sequence, instrument=instrument, federal_amount=amount,
        cost_share_amount=application.cost_share_amount, period_start=period_start, period_end=period_end,
        conditions=list(conditions), terms_version=0, issued_by=recorded_by, issued_at=issued_at,
        acceptance_due_at=default_acceptance_due_at(issued_at),
        status=AwardStatus.ACCEPTED, accepted_at=issued_at, letter_status=LetterStatus.IMPORTED,
    )
    Obligation.objects.create(
        award=award, opportunity_id=application.opportunity_id, instrument=instrument,
        amount=obligation_amount(instrument=instrument, federal_amount=amount,
                                 principal=amount if instrument in CREDIT_INSTRUMENTS else None,
                                 opportunity=application.opportunity),
    )
    log_transition(subject=award, transition="import", from_state="", to_state=award.status,
                   actor=None, internal=False,
                   comment=f"Imported award recorded by {recorded_by.get_username()}; no letter in this system.")
    return award


# ---------------------------------------------------------------- acceptance, declining, rescission


def award_transition(*, actor, award: Award | int, name: str, data: dict | None = None) -> Award:
    """Fire an award lifecycle transition (accept, decline_award, rescind, ...) through the
    one door."""
    return lifecycle.fire("award", award, name, actor=actor, data=data)


def award_accept(*, actor, award: Award, certification: str = "", signature: str = "") -> Award:
    """The organization's AOR accepts a pending award before its acceptance deadline.

    ``certification`` (the statement the AOR checked) and ``signature`` (their typed full
    name) are recorded with the acceptance, in its transition-log row and audit event, as
    ``/s/ name, date``."""
    comment = ""
    if signature:
        from dpa_funding.formatting import eastern

        comment = f"{certification}\n/s/ {signature}, {eastern(timezone.now())}".strip()
    return award_transition(actor=actor, award=award, name="accept", data={"comment": comment})


def award_decline(*, actor, award: Award, comment: str) -> Award:
    """The AOR declines a pending award before its deadline (comment required): the
    obligation is released and the application becomes award_declined."""
    return award_transition(actor=actor, award=award, name="decline_award", data={"comment": comment})


def award_rescind(*, actor, award: Award, comment: str = "") -> Award:
    """An officer rescinds an award not accepted by its deadline: the obligation is
    released and the application becomes award_rescinded."""
    return award_transition(actor=actor, award=award, name="rescind", data={"comment": comment})


def obligation_release(*, award: Award) -> None:
    """Return the award's obligation to its opportunity's budget (an effect of decline and
    rescind; the award's row lock is held)."""
    Obligation.objects.filter(award=award, released_at__isnull=True).update(released_at=timezone.now())
