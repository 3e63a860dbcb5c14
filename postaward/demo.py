"""Demo data for post-award management: the latest historical award, mid-performance.

Its reporting schedule is generated; every report due before the previous quarter's
report was submitted by the recipient and accepted by the officer; the latest past-due
progress report is left overdue; and a scope change is approved (its letter is owed to the
worker like any other). The demo applicant represents that organization too (like the
two historical organizations applications.demo links), so their dashboard shows what is due. Payments (draws) are added by the payments app's demo.
Safe to run again: what exists is kept.
"""

from decimal import Decimal

from django.utils import timezone

from accounts.choices import MemberRole
from accounts.models import Membership
from awards.choices import AwardStatus, LetterStatus
from awards.models import Award
from dpa_funding import lifecycle, policy

from . import services
from .choices import ModificationKind, ReportKind, ReportStatus
from .models import Modification, Report


def latest_historical_award() -> Award | None:
    return (Award.objects.filter(letter_status=LetterStatus.IMPORTED, status=AwardStatus.ACCEPTED)
            .select_related("application").order_by("-issued_at", "-pk").first())


def _report_data(report: Report, award: Award, spent: Decimal) -> dict:
    if report.kind == ReportKind.FINANCIAL:
        return {"federal_cash_receipts": f"{spent:.2f}", "federal_cash_disbursements": f"{spent:.2f}",
                "federal_share_of_expenditures": f"{spent:.2f}",
                "recipient_share_of_expenditures": f"{spent:.2f}",
                "federal_share_of_unliquidated_obligations": "0.00", "program_income": "0.00"}
    return {"accomplishments": f"Work under {award.award_number} progressed on schedule through "
                               f"{report.period_end:%B %d, %Y}.",
            "milestones_status": "On track.",
            "next_period_plans": "Continue engineering, permitting and procurement."}


def load_post_award_demo(result, *, officer, applicant) -> Award | None:
    award = latest_historical_award()
    if award is None:
        return None
    _, created = Membership.objects.get_or_create(
        organization_id=award.application.organization_id, user=applicant,
        defaults={"role": MemberRole.AUTHORIZED_REPRESENTATIVE})
    result.count("memberships", created)
    made = services.reports_generate(award=award, actor=officer)
    result.count("reports", bool(made))
    now = timezone.now()
    past_due = list(Report.objects.filter(award=award, final=False, due_at__lt=now).order_by("due_at", "kind"))
    overdue = next((r for r in reversed(past_due) if r.kind == ReportKind.PROGRESS), None)
    quarter = award.federal_amount / 12
    for n, report in enumerate(past_due):
        if report == overdue or report.status != ReportStatus.DUE:
            continue
        spent = min(award.federal_amount, (quarter * (n // 2 + 1)).quantize(Decimal("0.01")))
        services.report_save(actor=applicant, report=report, data=_report_data(report, award, spent))
        lifecycle.fire("report", report, "submit", actor=applicant)
        lifecycle.fire("report", report, "accept", actor=officer)
    if not Modification.objects.filter(award=award).exists():
        mod = services.modification_propose(
            actor=applicant, award=award, kind=ModificationKind.SCOPE_CHANGE,
            justification="Add a pilot-scale recycling line for production scrap to the project scope, "
                          "within the approved budget and period.")
        # An existing demo officer kept without award authority cannot approve: left proposed.
        if policy.may(officer, "modification.approve", mod):
            lifecycle.fire("modification", mod, "approve", actor=officer)
        result.count("modifications", True)
    return award
