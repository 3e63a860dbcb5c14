"""Enumerations for the applications app."""

from django.db import models


class MineralGroup(models.TextChoices):
    RARE_EARTH = "rare_earth", "Rare earth element"
    PLATINUM_GROUP = "platinum_group", "Platinum group metal"
    BATTERY = "battery", "Battery mineral"
    OTHER = "other", "Other"


class FacilityType(models.TextChoices):
    MINE = "mine", "Mine"
    PROCESSING = "processing", "Processing"
    REFINING = "refining", "Refining"
    RECYCLING = "recycling", "Recycling"
    MAGNET_MANUFACTURING = "magnet_manufacturing", "Magnet manufacturing"
    OTHER = "other", "Other"


class ProjectStage(models.TextChoices):
    EXPLORATION = "exploration", "Exploration"
    FEASIBILITY = "feasibility", "Feasibility"
    PERMITTING = "permitting", "Permitting"
    CONSTRUCTION = "construction", "Construction"
    PRODUCTION = "production", "Production"
    EXPANSION = "expansion", "Expansion"


class Instrument(models.TextChoices):
    GRANT = "grant", "Grant"
    COOPERATIVE_AGREEMENT = "cooperative_agreement", "Cooperative agreement"
    LOAN = "loan", "Direct loan"
    LOAN_GUARANTEE = "loan_guarantee", "Loan guarantee"
    PURCHASE_COMMITMENT = "purchase_commitment", "Purchase commitment"


# Under the Federal Credit Reform Act these obligate principal x credit subsidy rate.
CREDIT_INSTRUMENTS = frozenset({Instrument.LOAN, Instrument.LOAN_GUARANTEE})


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SCREENING = "screening", "In screening"
    REVISION_REQUESTED = "revision_requested", "Revision requested"
    INELIGIBLE = "ineligible", "Ineligible"
    UNDER_REVIEW = "under_review", "Under merit review"
    REVIEWED = "reviewed", "Reviewed"
    SELECTED = "selected", "Selected"
    NEGOTIATION = "negotiation", "In negotiation"
    AWARDED = "awarded", "Awarded"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # The award was issued, then declined by the recipient or rescinded by the officer.
    AWARD_DECLINED = "award_declined", "Award declined"
    AWARD_RESCINDED = "award_rescinded", "Award rescinded"


TERMINAL_STATUSES = frozenset(
    {
        ApplicationStatus.INELIGIBLE,
        ApplicationStatus.AWARDED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.AWARD_DECLINED,
        ApplicationStatus.AWARD_RESCINDED,
    }
)
# The states in which applicants may edit are the lifecycle table's ``editable``
# (applications/workflow.py).


class DocumentKind(models.TextChoices):
    TECHNICAL_REPORT = "technical_report", "Technical report"
    BUSINESS_PLAN = "business_plan", "Business plan"
    FINANCIAL_STATEMENTS = "financial_statements", "Financial statements"
    BUDGET_JUSTIFICATION = "budget_justification", "Budget justification"
    ENVIRONMENTAL_PERMITTING = "environmental_permitting", "Environmental and permitting"
    FOCI_DISCLOSURE = "foci_disclosure", "FOCI disclosure"
    OTHER = "other", "Other"


# SF-424A section B object classes, in form order.
BUDGET_CATEGORIES = (
    ("personnel", "Personnel"),
    ("fringe", "Fringe benefits"),
    ("travel", "Travel"),
    ("equipment", "Equipment"),
    ("supplies", "Supplies"),
    ("contractual", "Contractual"),
    ("construction", "Construction"),
    ("other", "Other"),
    ("indirect", "Indirect charges"),
)
DIRECT_BUDGET_CATEGORIES = tuple(name for name, _ in BUDGET_CATEGORIES if name != "indirect")
