"""Writes for post-award management: evidence documents, milestones, the reporting
schedule and report drafts, modification proposals, and the obligation changes that
modifications and closeout make. Row changes are audited by the audit registry's
signals (bulk writes here audit themselves). State changes go through ``lifecycle.fire`` only
(``transition``); the guards and effects those transitions run are in ``postaward.rules``.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from applications.choices import BUDGET_CATEGORIES, CREDIT_INSTRUMENTS
from applications.models import FundingOpportunity
from audit.services import audit_event
from awards.choices import AwardStatus
from awards.models import Award, Obligation
from awards.services import active_obligations_total, money, obligation_amount
from dpa_funding import lifecycle, policy
from dpa_funding.errors import ConditionsUnmet, InvalidTransition, ValidationFailed

from . import funds
from .choices import (
    ModificationKind,
    ModificationStatus,
    ObligationChangeReason,
    ReportStatus,
)
from .models import AwardDocument, Milestone, Modification, ObligationChange, Report
from .reportdata import report_data_errors
from .schedule import deadline_at, report_schedule

# Awards whose recipients still work under them: evidence, reports and modifications.
ACTIVE_AWARD_STATES = (AwardStatus.ACCEPTED, AwardStatus.CLOSEOUT)
LIFECYCLE_OF = {Milestone: "milestone", Report: "report", Modification: "modification"}
BUDGET_FIELDS = tuple(name for name, _ in BUDGET_CATEGORIES)


def transition(obj, name: str, *, actor, data: dict | None = None, expected_status: str | None = None):
    """Fire ``name`` on a milestone, report or modification through the one door."""
    return lifecycle.fire(LIFECYCLE_OF[type(obj)], obj, name, actor=actor, data=data or {},
                          expected_status=expected_status)


def _require_active(award: Award, what: str) -> None:
    if award.status not in ACTIVE_AWARD_STATES:
        raise InvalidTransition(f"{what} only on an accepted award; this award is "
                                f"{award.get_status_display().lower()}.")


# ---------------------------------------------------------------- evidence documents


@transaction.atomic
def award_document_upload(*, actor, award: Award, uploaded) -> AwardDocument:
    """Attach a checked file (magic bytes, size, sha256) to an active award."""
    from applications.documents import check_upload

    award = Award.objects.select_for_update().get(pk=award.pk)
    policy.require(actor, "award_document.upload", award)
    _require_active(award, "Documents can be added")
    original_name = (getattr(uploaded, "name", "") or "document")[:255]
    checked = check_upload(uploaded, original_name)
    doc = AwardDocument(award=award, original_name=original_name, size=checked.size,
                        content_type=checked.content_type, sha256=checked.sha256, uploaded_by=actor)
    doc.file.save(original_name, uploaded, save=False)
    doc.save()
    return doc


# ---------------------------------------------------------------- milestones


def milestone_errors(*, title, due_date, award: Award | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Enter a title."]
    elif len(title.strip()) > 200:
        errors["title"] = ["The title is limited to 200 characters."]
    if due_date is None:
        errors["due_date"] = ["Enter the due date."]
    elif award is not None and not (award.period_start <= due_date <= award.period_end):
        errors["due_date"] = [f"The due date must fall within the period of performance "
                              f"({award.period_start:%m/%d/%Y} to {award.period_end:%m/%d/%Y})."]
    return errors


@transaction.atomic
def milestone_create(*, actor, award: Award, title: str, due_date: dt.date, description: str = "") -> Milestone:
    """An officer sets a milestone on an issued or accepted award (domain.md: "in
    negotiation or later"; terms carry no milestones, so it is set once the award exists)."""
    award = Award.objects.select_for_update().get(pk=award.pk)
    policy.require(actor, "milestone.create", award)
    if award.status not in (AwardStatus.PENDING_ACCEPTANCE, *ACTIVE_AWARD_STATES):
        raise InvalidTransition(f"Milestones cannot be set on a {award.get_status_display().lower()} award.")
    errors = milestone_errors(title=title, due_date=due_date, award=award)
    if errors:
        raise ValidationFailed(errors)
    milestone = Milestone.objects.create(
        award=award, title=title.strip(), description=(description or "").strip(), due_date=due_date,
        due_at=deadline_at(due_date), created_by=actor)
    return milestone


# ---------------------------------------------------------------- reporting schedule


def reports_generate(*, award: Award, actor=None) -> list[Report]:
    """Create the award's reporting schedule (idempotent: an existing schedule is kept)."""
    if Report.objects.filter(award=award).exists():
        return []
    created = Report.objects.bulk_create([
        Report(award=award, kind=r.kind, final=r.final, period_start=r.period_start, period_end=r.period_end,
               due_date=r.due_date, due_at=r.due_at)
        for r in report_schedule(award.period_start, award.period_end)
    ])
    audit_event(obj=award, action="reporting_schedule_generated", actor=actor,
                changes={"after": {"reports": len(created)}})
    return created


def reports_reschedule(*, award: Award, actor=None) -> dict[str, int]:
    """Make the schedule follow a changed period of performance.

    Reports already submitted or accepted stay as they are. Reports still due are moved to
    the new dates, created, or removed, so that the due reports plus the finished ones are
    exactly the schedule of the new period.
    """
    desired = {r.key: r for r in report_schedule(award.period_start, award.period_end)}
    existing = {(r.kind, r.final, r.period_start): r for r in Report.objects.select_for_update().filter(award=award)}
    counts = {"created": 0, "moved": 0, "removed": 0}
    for key, report in existing.items():
        if report.status != ReportStatus.DUE:
            continue
        wanted = desired.get(key)
        if wanted is None:
            report.delete()
            counts["removed"] += 1
        elif (report.period_end, report.due_date) != (wanted.period_end, wanted.due_date):
            report.period_end, report.due_date, report.due_at = wanted.period_end, wanted.due_date, wanted.due_at
            report.save(update_fields=["period_end", "due_date", "due_at", "updated_at"])
            counts["moved"] += 1
    missing = [r for key, r in desired.items() if key not in existing]
    Report.objects.bulk_create([
        Report(award=award, kind=r.kind, final=r.final, period_start=r.period_start, period_end=r.period_end,
               due_date=r.due_date, due_at=r.due_at) for r in missing])
    counts["created"] = len(missing)
    audit_event(obj=award, action="reporting_schedule_changed", actor=actor,
                changes={"after": {"period_end": award.period_end.isoformat(), **counts}})
    return counts


@transaction.atomic
def report_save(*, actor, report: Report, data) -> Report:
    """Save a report's form while it is due (members); every problem reported at once."""
    report = Report.objects.select_for_update().select_related("award__application").get(pk=report.pk)
    policy.require(actor, "report.change", report)
    if report.status != ReportStatus.DUE:
        raise InvalidTransition(f"The report is {report.get_status_display().lower()} and cannot be edited.")
    cleaned, errors = report_data_errors(report, data)
    if errors:
        raise ValidationFailed({f"data.{k}" if k != "data" else k: v for k, v in errors.items()})
    report.data = cleaned
    report.save(update_fields=["data", "updated_at"])
    return report


# ---------------------------------------------------------------- modifications


def modification_errors(award: Award, values: dict) -> dict[str, list[str]]:
    """Every problem with a proposed modification against the award as it is now."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    kind = values.get("kind")
    if kind not in ModificationKind.values:
        add("kind", "Choose the kind of modification.")
    if not (values.get("justification") or "").strip():
        add("justification", "Explain why the award should change.")
    end, delta, budget = values.get("new_period_end"), values.get("federal_amount_delta"), values.get("budget")
    if kind == ModificationKind.NO_COST_EXTENSION:
        if end is None:
            add("new_period_end", "Enter the new end of the period of performance.")
        elif end <= award.period_end:
            add("new_period_end", f"A no-cost extension must end after the current end, "
                                  f"{award.period_end:%m/%d/%Y}.")
    elif end is not None:
        add("new_period_end", "Only a no-cost extension changes the period of performance.")
    if kind == ModificationKind.FUNDING_CHANGE:
        if delta is None:
            add("federal_amount_delta", "Enter the change to the federal amount (negative to decrease).")
        elif delta == 0:
            add("federal_amount_delta", "A funding change must change the federal amount.")
        elif delta != delta.quantize(Decimal("0.01")):
            add("federal_amount_delta", "Enter the change in dollars and cents.")
        elif award.instrument in CREDIT_INSTRUMENTS:
            add("federal_amount_delta", "Loan principal is changed by a new loan agreement, not a funding change.")
        elif delta < 0:
            floor = funds.drawn_amount(award)
            if award.federal_amount + delta < floor:
                add("federal_amount_delta",
                    f"The federal amount cannot go below what has been drawn (${floor:,.2f}).")
        elif award.federal_amount + delta > award.application.opportunity.max_award:
            add("federal_amount_delta", f"The new federal amount would exceed the opportunity's maximum award "
                                        f"(${award.application.opportunity.max_award:,.2f}).")
    elif delta is not None:
        add("federal_amount_delta", "Only a funding change changes the federal amount.")
    if kind == ModificationKind.BUDGET_REVISION:
        if not isinstance(budget, dict) or not budget:
            add("budget", "Enter the revised budget by object class.")
        else:
            unknown = sorted(set(budget) - set(BUDGET_FIELDS))
            if unknown:
                add("budget", f"Unknown object classes: {', '.join(unknown)}.")
            elif any(Decimal(v) < 0 for v in budget.values()):
                add("budget", "Budget lines cannot be negative.")
            else:
                total = sum((Decimal(v) for v in budget.values()), Decimal("0"))
                expected = Decimal(award.federal_amount) + Decimal(award.cost_share_amount or 0)
                if total != expected:
                    add("budget", f"The revised budget totals ${total:,.2f}; it must equal the total project "
                                  f"cost, ${expected:,.2f} (a budget revision moves money between classes).")
    elif budget:
        add("budget", "Only a budget revision changes the budget.")
    return errors


@transaction.atomic
def modification_propose(*, actor, award: Award, kind: str, justification: str,
                         new_period_end: dt.date | None = None, federal_amount_delta: Decimal | None = None,
                         budget: dict | None = None) -> Modification:
    """The recipient's AOR or an officer proposes a change to an accepted award."""
    award = Award.objects.select_for_update().select_related("application__opportunity").get(pk=award.pk)
    policy.require(actor, "modification.propose", award)
    if award.status != AwardStatus.ACCEPTED:
        raise InvalidTransition(f"Only an accepted award can be modified; this one is "
                                f"{award.get_status_display().lower()}.")
    if budget is not None:
        budget = {k: str(money(v)) for k, v in budget.items()} if isinstance(budget, dict) else budget
    values = {"kind": kind, "justification": justification, "new_period_end": new_period_end,
              "federal_amount_delta": federal_amount_delta, "budget": budget}
    errors = modification_errors(award, values)
    if errors:
        raise ValidationFailed(errors)
    mod = Modification.objects.create(award=award, kind=kind, justification=justification.strip(),
                                      new_period_end=new_period_end, federal_amount_delta=federal_amount_delta,
                                      budget=budget or None, proposed_by=actor)
    return mod


def modification_number_draw(award: Award) -> int:
    """Next modification number of the award; call with the award row locked."""
    last = (Modification.objects.filter(award=award, sequence__isnull=False)
            .order_by("-sequence").values_list("sequence", flat=True).first())
    return (last or 0) + 1


def opportunity_remaining(opportunity_id: int) -> Decimal:
    """What is left of the opportunity's budget. Call with the opportunity row locked."""
    opp = FundingOpportunity.objects.get(pk=opportunity_id)
    return opp.budget_ceiling - active_obligations_total(opportunity_id)


def lock_opportunity(opportunity_id: int) -> FundingOpportunity:
    """The budget lock (awards.guards.budget_available takes the same one): held until commit."""
    return FundingOpportunity.objects.select_for_update().get(pk=opportunity_id)


def obligation_change(*, award: Award, amount: Decimal, reason: str, actor=None,
                      modification: Modification | None = None) -> ObligationChange | None:
    """Add ``amount`` (negative releases) to the award's obligation and record it.

    Callers hold the opportunity's budget lock when ``amount`` is positive.
    """
    amount = money(amount)
    if amount == 0:
        return None
    obligation = Obligation.objects.select_for_update().get(award=award)
    before = obligation.amount
    obligation.amount = before + amount
    if obligation.amount < 0:
        raise ConditionsUnmet([f"The obligation cannot go below $0 (it is ${before:,.2f})."])
    obligation.save(update_fields=["amount"])
    change = ObligationChange.objects.create(award=award, reason=reason, amount=amount, actor=actor,
                                             modification=modification)
    return change


def unliquidated_balance(award: Award) -> Decimal:
    """What the award still obligates beyond what was drawn: the obligation minus the
    obligation that the drawn amount alone would need (for loans, the subsidy cost of the
    undisbursed principal)."""
    obligation = Obligation.objects.get(award=award)
    drawn = funds.drawn_amount(award)
    needed = obligation_amount(instrument=award.instrument, federal_amount=drawn, principal=drawn,
                               opportunity=award.application.opportunity)
    return max(obligation.amount - needed, Decimal("0.00"))


def award_deobligate_at_close(*, award: Award, actor=None) -> Decimal:
    """Release the unliquidated balance back to the opportunity (2 CFR 200.344)."""
    balance = unliquidated_balance(award)
    obligation_change(award=award, amount=-balance, reason=ObligationChangeReason.CLOSEOUT, actor=actor)
    return balance


def modification_apply(*, modification: Modification, actor) -> None:
    """Effect of approval: number it, change the award, adjust the obligation, follow the
    period with the reporting schedule, and owe the letter (after commit, via the outbox)."""
    from ops import outbox

    award = Award.objects.select_for_update().select_related("application__opportunity").get(
        pk=modification.award_id)
    modification.sequence = modification_number_draw(award)
    modification.number = f"{award.award_number}-M{modification.sequence:02d}"
    modification.decided_by, modification.decided_at = actor, timezone.now()
    modification.previous_period_end, modification.previous_federal_amount = award.period_end, award.federal_amount
    changed = []
    if modification.kind == ModificationKind.NO_COST_EXTENSION:
        award.period_end = modification.new_period_end
        changed.append("period_end")
    elif modification.kind == ModificationKind.FUNDING_CHANGE:
        award.federal_amount = award.federal_amount + modification.federal_amount_delta
        changed.append("federal_amount")
        obligation_change(award=award, amount=modification.federal_amount_delta,
                          reason=ObligationChangeReason.MODIFICATION, actor=actor, modification=modification)
    if changed:
        award.save(update_fields=changed)
    if "period_end" in changed:
        reports_reschedule(award=award, actor=actor)
    outbox.enqueue("postaward.tasks.generate_modification_letter", modification.pk)


def modification_budget_unmet(modification: Modification) -> list[str]:
    """An increase must fit the opportunity's remaining budget, checked under its lock."""
    if modification.kind != ModificationKind.FUNDING_CHANGE or not modification.federal_amount_delta:
        return []
    if modification.federal_amount_delta < 0:
        return []
    award = modification.award
    lock_opportunity(award.application.opportunity_id)
    remaining = opportunity_remaining(award.application.opportunity_id)
    if modification.federal_amount_delta > remaining:
        return [f"The increase of ${modification.federal_amount_delta:,.2f} exceeds the ${remaining:,.2f} that "
                f"remains of the opportunity's budget."]
    return []


def modification_still_valid(modification: Modification) -> list[str]:
    """The proposal is re-checked against the award as it is at approval."""
    award = Award.objects.select_related("application__opportunity").get(pk=modification.award_id)
    if award.status != AwardStatus.ACCEPTED:
        return [f"The award is {award.get_status_display().lower()}; only accepted awards are modified."]
    values = {"kind": modification.kind, "justification": modification.justification,
              "new_period_end": modification.new_period_end,
              "federal_amount_delta": modification.federal_amount_delta, "budget": modification.budget}
    return [m for messages in modification_errors(award, values).values() for m in messages]


def pending_status(status: str) -> bool:
    return status == ModificationStatus.PROPOSED
