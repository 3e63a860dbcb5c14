"""Reads for payments: what was drawn on an award, delinquent loans, visible requests,
loan status. ``drawn_amount`` and ``delinquent_award_ids`` are the interface the
post-award pages (closeout, portfolio) rely on."""

from decimal import Decimal

from django.db.models import Sum

from applications.choices import CREDIT_INSTRUMENTS
from awards.models import Award

from .choices import PaymentRequestStatus
from .models import Delinquency, Disbursement, PaymentRequest, Repayment

ZERO = Decimal("0.00")


def drawn_amount(award: Award) -> Decimal:
    """Federal funds that left the Treasury on the award: payment requests marked paid on a
    grant or agreement, principal disbursed on a loan or loan guarantee."""
    if award.instrument in CREDIT_INSTRUMENTS:
        total = Disbursement.objects.filter(award_id=award.pk).aggregate(s=Sum("amount"))["s"]
    else:
        total = (PaymentRequest.objects.filter(award_id=award.pk, status=PaymentRequestStatus.PAID)
                 .aggregate(s=Sum("amount"))["s"])
    return total or ZERO


def drawn_amounts(award_ids) -> dict[int, Decimal]:
    """``drawn_amount`` for many awards in two queries (award id -> amount; missing = 0)."""
    ids = list(award_ids)
    out: dict[int, Decimal] = {}
    paid = (PaymentRequest.objects.filter(award_id__in=ids, status=PaymentRequestStatus.PAID)
            .exclude(award__instrument__in=CREDIT_INSTRUMENTS)
            .values("award_id").annotate(s=Sum("amount")))
    disbursed = (Disbursement.objects.filter(award_id__in=ids, award__instrument__in=CREDIT_INSTRUMENTS)
                 .values("award_id").annotate(s=Sum("amount")))
    for row in [*paid, *disbursed]:
        out[row["award_id"]] = out.get(row["award_id"], ZERO) + row["s"]
    return out


def delinquent_award_ids() -> set[int]:
    """Loans with an open delinquency (marked by the beat job, cleared when cured)."""
    return set(Delinquency.objects.filter(cured_at__isnull=True).values_list("award_id", flat=True))


def payment_requests_visible_to(user):
    return (PaymentRequest.objects.restrict(user)
            .select_related("award", "award__application", "award__application__organization", "requested_by")
            .order_by("-requested_at", "-id"))


def award_payment_requests(award: Award, user):
    return payment_requests_visible_to(user).filter(award=award)


def award_disbursements(award: Award, user):
    return Disbursement.objects.restrict(user).filter(award=award).select_related("recorded_by")


def award_repayments(award: Award, user):
    return (Repayment.objects.restrict(user).filter(award=award).select_related("recorded_by")
            .prefetch_related("allocations"))


def loan_status(award: Award) -> dict:
    """The loan-status body of api.md, plus the totals behind it."""
    from .services import loan_position

    pos = loan_position(award)
    return {
        "award": award.pk,
        "principal": award.loan.principal,
        "principal_disbursed": pos.principal_disbursed,
        "principal_repaid": pos.principal_repaid,
        "interest_paid": pos.interest_paid,
        "principal_outstanding": pos.principal_outstanding,
        "next_due_date": pos.next_due_date,
        "next_due_amount": pos.next_due_amount,
        "past_due_amount": pos.past_due_amount,
        "days_past_due": pos.days_past_due,
        "delinquent": pos.delinquent,
        "delinquency_marked_at": (Delinquency.objects.filter(award=award, cured_at__isnull=True)
                                  .values_list("marked_at", flat=True).first()),
    }


def installment_status(award: Award) -> list[dict]:
    """Each schedule row with what was paid on it and what is still owed, for the pages."""
    from awards.schedule import build_schedule

    from .models import RepaymentAllocation
    from .services import today

    paid: dict[int, list[Decimal]] = {}
    for number, interest, principal in (RepaymentAllocation.objects.filter(repayment__award=award)
                                        .values_list("installment", "interest", "principal")):
        row = paid.setdefault(number, [ZERO, ZERO])
        row[0] += interest
        row[1] += principal
    now = today()
    rows = []
    for inst in build_schedule(award.loan.inputs()):
        interest_paid, principal_paid = paid.get(inst.number, [ZERO, ZERO])
        owed = inst.payment - interest_paid - principal_paid
        rows.append({"installment": inst, "interest_paid": interest_paid, "principal_paid": principal_paid,
                     "owed": owed, "past_due": owed > 0 and inst.due_date < now})
    return rows
