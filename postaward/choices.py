"""Enumerations for post-award management (domain.md, "Award lifecycle and post-award")."""

from django.db import models


class MilestoneStatus(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Evidence submitted"
    ACCEPTED = "accepted", "Accepted"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", "Performance progress report"
    FINANCIAL = "financial", "Federal Financial Report (SF-425)"


class ReportStatus(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"


class ModificationKind(models.TextChoices):
    NO_COST_EXTENSION = "no_cost_extension", "No-cost extension"
    BUDGET_REVISION = "budget_revision", "Budget revision"
    SCOPE_CHANGE = "scope_change", "Scope change"
    FUNDING_CHANGE = "funding_change", "Funding change"


class ModificationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ObligationChangeReason(models.TextChoices):
    MODIFICATION = "modification", "Funding modification"
    CLOSEOUT = "closeout", "De-obligated at closeout"


# SF-425 lines a financial report carries (domain.md), in form order, with their labels.
SF425_LINES = (
    ("federal_cash_receipts", "Federal cash receipts"),
    ("federal_cash_disbursements", "Federal cash disbursements"),
    ("federal_share_of_expenditures", "Federal share of expenditures"),
    ("recipient_share_of_expenditures", "Recipient share of expenditures"),
    ("federal_share_of_unliquidated_obligations", "Federal share of unliquidated obligations"),
    ("program_income", "Program income"),
)

# Performance progress report sections (RPPR-style narrative), in form order.
PROGRESS_SECTIONS = (
    ("accomplishments", "Accomplishments this period"),
    ("milestones_status", "Status of milestones"),
    ("problems", "Problems, delays and corrective actions"),
    ("next_period_plans", "Plans for the next period"),
)
PROGRESS_REQUIRED = ("accomplishments", "next_period_plans")
