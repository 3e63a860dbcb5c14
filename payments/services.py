"""Writes for payments: payment requests (the state changes go through the lifecycle door,
see workflow.py), loan disbursements and repayments, and the delinquency sweep.

Every amount drawn against an award is checked under ``SELECT ... FOR UPDATE`` on the
award row, so concurrent approvals or disbursements of one award queue behind each other
and each sees what the earlier ones committed.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from applications.choices import CREDIT_INSTRUMENTS
from audit.services import audit_event
from awards.choices import AwardStatus
from awards.models import Award, LoanTerms
from awards.schedule import build_schedule
from dpa_funding import lifecycle, policy
from dpa_funding.errors import InvalidTransition, NotFound, ValidationFailed
from dpa_funding.formatting import EASTERN, long_date, money

from . import notices, servicing
from .choices import COMMITTED_STATUSES, PAYABLE_INSTRUMENTS, RequestType
from .models import Delinquency, Disbursement, PaymentRequest, Repayment, RepaymentAllocation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Awards money may be requested, approved, disbursed or repaid on: accepted ones, and those
# in closeout (obligations incurred during the period are liquidated then, 2 CFR 200.344).
PAYMENT_AWARD_STATUSES = tuple(
    s for s in (AwardStatus.ACCEPTED, getattr(AwardStatus, "CLOSEOUT", None)) if s is not None)


def today() -> dt.date:
    """The program office's date (US Eastern)."""
    return timezone.now().astimezone(EASTERN).date()


def lock_award(award_id: int) -> Award:
    """The award row, locked until the end of the transaction (the one lock that guards
    every amount drawn against it)."""
    return Award.objects.select_for_update(of=("self",)).select_related("application").get(pk=award_id)


def _money_errors(amount, field: str = "amount") -> dict[str, list[str]]:
    if amount is None:
        return {field: ["Enter the amount."]}
    if amount <= 0:
        return {field: ["The amount must be more than $0."]}
    if amount != amount.quantize(CENT):
        return {field: ["Enter the amount in dollars and cents."]}
    return {}


# ---------------------------------------------------------------- payment requests


def committed_total(award: Award, *, exclude_pk: int | None = None) -> Decimal:
    """Approved and paid requests of the award (what counts against its federal amount)."""
    qs = PaymentRequest.objects.filter(award=award, status__in=COMMITTED_STATUSES)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def payment_request_create(*, actor, award: Award, request_type: str | None, amount: Decimal | None,
                           period_start: dt.date | None, period_end: dt.date | None) -> PaymentRequest:
    """The organization's AOR requests a payment (SF-270) on an accepted grant or agreement.

    Every problem is reported at once. The amount must fit in what the award has not yet
    committed (approved or paid); approval checks that again under the award's lock, since
    other requests may be approved in between.
    """
    with transaction.atomic():
        award = lock_award(award.pk)
        policy.require(actor, "payment_request.create", award)
        if award.instrument not in PAYABLE_INSTRUMENTS:
            raise InvalidTransition("Loans and loan guarantees are paid out as disbursements, not payment requests.")
        if award.status not in PAYMENT_AWARD_STATUSES:
            raise InvalidTransition(f"The award is {award.get_status_display().lower()}; payments can be "
                                    "requested only on an accepted award.")
        errors: dict[str, list[str]] = {}
        if request_type not in RequestType.values:
            errors["request_type"] = [f"Choose one of: {', '.join(RequestType.values)}."]
        errors.update(_money_errors(amount))
        if period_start is None:
            errors["period_start"] = ["Enter the start of the period the request covers."]
        if period_end is None:
            errors["period_end"] = ["Enter the end of the period the request covers."]
        if period_start and period_end:
            if period_end < period_start:
                errors.setdefault("period_end", []).append("The period must end on or after its start.")
            if period_start < award.period_start or period_end > award.period_end:
                errors.setdefault("period_start", []).append(
                    f"The period must fall within the period of performance, {long_date(award.period_start)} "
                    f"to {long_date(award.period_end)}.")
        if "amount" not in errors:
            remaining = award.federal_amount - committed_total(award)
            if amount > remaining:
                errors["amount"] = [f"Only {money(remaining)} of the federal amount of "
                                    f"{money(award.federal_amount)} is not yet approved for payment."]
        if errors:
            raise ValidationFailed(errors)
        request = PaymentRequest.objects.create(
            award=award, request_type=request_type, amount=amount, period_start=period_start,
            period_end=period_end, requested_by=actor)
        lifecycle.log_transition(subject=request, transition="request", from_state="",
                                 to_state=request.status, actor=actor, internal=False)
        notices.payment_request_created(request)
    return request


def payment_request_transition(*, actor, request_id: int, name: str, data: dict | None = None,
                               expected_status: str | None = None) -> PaymentRequest:
    """Approve, reject or mark paid, through the one door."""
    return lifecycle.fire("payment_request", request_id, name, actor=actor, data=data,
                          expected_status=expected_status)


# ---------------------------------------------------------------- loans


def has_loan_terms(award: Award) -> bool:
    """A loan or guarantee with its repayment terms (loans imported from announcements have none)."""
    return award.instrument in CREDIT_INSTRUMENTS and LoanTerms.objects.filter(award_id=award.pk).exists()


def require_loan(award: Award) -> None:
    if award.instrument not in CREDIT_INSTRUMENTS:
        raise NotFound("Only loan and loan guarantee awards have disbursements, repayments and a loan status.")
    if not has_loan_terms(award):
        raise NotFound("This loan's repayment terms are not recorded in this system, so it cannot be serviced here.")


def _require_open(award: Award, what: str) -> None:
    if award.status not in PAYMENT_AWARD_STATUSES:
        raise InvalidTransition(f"The award is {award.get_status_display().lower()}; {what} can be "
                                "recorded only on an accepted loan.")


def disbursed_total(award: Award) -> Decimal:
    return Disbursement.objects.filter(award=award).aggregate(s=Sum("amount"))["s"] or ZERO


def disbursement_record(*, actor, award: Award, amount: Decimal | None, disbursed_on: dt.date | None,
                        note: str = "") -> Disbursement:
    """An officer records principal paid out; disbursements never add up to more than the
    principal (checked under the award's lock)."""
    with transaction.atomic():
        award = lock_award(award.pk)
        policy.require(actor, "disbursement.record", award)
        require_loan(award)
        _require_open(award, "disbursements")
        errors = _money_errors(amount)
        if disbursed_on is None:
            errors["disbursed_on"] = ["Enter the disbursement date."]
        elif disbursed_on > today():
            errors["disbursed_on"] = ["A disbursement cannot be dated in the future."]
        if "amount" not in errors:
            principal = award.loan.principal
            already = disbursed_total(award)
            if already + amount > principal:
                errors["amount"] = [f"Disbursing {money(amount)} would bring disbursements to "
                                    f"{money(already + amount)}, more than the principal of {money(principal)}; "
                                    f"{money(principal - already)} remains."]
        if errors:
            raise ValidationFailed(errors)
        disbursement = Disbursement.objects.create(award=award, amount=amount, disbursed_on=disbursed_on,
                                                   note=(note or "").strip(), recorded_by=actor)
    return disbursement


def _paid_rows(award: Award) -> list[tuple[int, Decimal, Decimal]]:
    return list(RepaymentAllocation.objects.filter(repayment__award=award)
                .values_list("installment", "interest", "principal"))


def loan_position(award: Award, *, on: dt.date | None = None) -> servicing.LoanPosition:
    """Where the loan stands today (or ``on``)."""
    return servicing.position(schedule=build_schedule(award.loan.inputs()), paid=_paid_rows(award),
                              disbursed=disbursed_total(award), today=on or today())


def repayment_record(*, actor, award: Award, amount: Decimal | None, received_on: dt.date | None,
                     reference: str = "") -> Repayment:
    """An officer records a repayment; it is applied to the derived schedule, oldest unpaid
    installment first, interest before principal (``payments.servicing``). A repayment
    that cures a delinquency closes it at once."""
    with transaction.atomic():
        award = lock_award(award.pk)
        policy.require(actor, "repayment.record", award)
        require_loan(award)
        _require_open(award, "repayments")
        errors = _money_errors(amount)
        if received_on is None:
            errors["received_on"] = ["Enter the date the repayment was received."]
        elif received_on > today():
            errors["received_on"] = ["A repayment cannot be dated in the future."]
        allocations: list[servicing.Allocation] = []
        if "amount" not in errors:
            paid = _paid_rows(award)
            owed = servicing.dues(build_schedule(award.loan.inputs()), paid)
            allocations, left = servicing.allocate(amount, owed)
            principal_total = sum((p for _, _, p in paid), ZERO) + sum((a.principal for a in allocations), ZERO)
            disbursed = disbursed_total(award)
            if left > 0:
                errors["amount"] = [f"The loan's remaining balance under its schedule is "
                                    f"{money(sum((d.total for d in owed), ZERO))}; this is {money(left)} more."]
            elif principal_total > disbursed:
                errors["amount"] = [f"This repayment would repay {money(principal_total)} of principal, but only "
                                    f"{money(disbursed)} has been disbursed."]
        if errors:
            raise ValidationFailed(errors)
        repayment = Repayment.objects.create(
            award=award, amount=amount, received_on=received_on, reference=(reference or "").strip(),
            interest_applied=sum((a.interest for a in allocations), ZERO),
            principal_applied=sum((a.principal for a in allocations), ZERO), recorded_by=actor)
        RepaymentAllocation.objects.bulk_create([
            RepaymentAllocation(repayment=repayment, installment=a.number, due_date=a.due_date,
                                interest=a.interest, principal=a.principal) for a in allocations])
        audit_event(obj=repayment, action="allocate", actor=actor, changes={"allocations": [
            {"installment": a.number, "interest": str(a.interest), "principal": str(a.principal)}
            for a in allocations]})
        _update_delinquency(award, loan_position(award), actor=actor)
    return repayment


# ---------------------------------------------------------------- delinquency


def _update_delinquency(award: Award, pos: servicing.LoanPosition, *, actor=None) -> str | None:
    """Open or cure the award's delinquency to match ``pos``; call under the award's lock.
    Returns "marked", "cured" or None (nothing changed), so repeated runs change nothing."""
    open_episode = Delinquency.objects.filter(award=award, cured_at__isnull=True).first()
    if pos.delinquent and open_episode is None:
        episode = Delinquency.objects.create(
            award=award, installment=pos.oldest_unpaid.number, due_date=pos.oldest_unpaid.due_date,
            past_due_amount=pos.past_due_amount)
        audit_event(obj=award, action="mark_delinquent", actor=actor, changes={
            "delinquency": episode.pk, "installment": episode.installment,
            "days_past_due": pos.days_past_due, "past_due_amount": str(pos.past_due_amount)})
        notices.loan_delinquent(episode)
        return "marked"
    if not pos.delinquent and open_episode is not None:
        open_episode.cured_at = timezone.now()
        open_episode.save(update_fields=["cured_at"])
        audit_event(obj=award, action="cure_delinquency", actor=actor,
                    changes={"delinquency": open_episode.pk, "past_due_amount": str(pos.past_due_amount)})
        return "cured"
    return None


def loans_mark_delinquency(*, on: dt.date | None = None) -> dict[str, int]:
    """The beat job: mark every loan whose oldest unpaid installment is 30 days past due
    (notifying the officers and the AORs once per episode) and cure those no longer so.

    Idempotent and safe to run concurrently: each loan is decided under its award's lock,
    and the partial unique constraint allows one open episode per loan."""
    counts = {"marked": 0, "cured": 0, "checked": 0}
    ids = list(Award.objects.filter(instrument__in=CREDIT_INSTRUMENTS, status__in=PAYMENT_AWARD_STATUSES,
                                    loan__isnull=False).values_list("pk", flat=True))
    for award_id in ids:
        with transaction.atomic():
            award = lock_award(award_id)
            outcome = _update_delinquency(award, loan_position(award, on=on))
        counts["checked"] += 1
        if outcome:
            counts[outcome] += 1
    return counts
