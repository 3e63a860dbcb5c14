"""The post-award lifecycles, declared once as data (domain.md, "Award lifecycle and
post-award management"). Each changes state only through ``lifecycle.fire``.

milestone:     due --submit--> submitted --accept--> accepted;  submitted --return (comment)--> due
report:        due --submit--> submitted --accept--> accepted;  submitted --return (comment)--> due
modification:  proposed --approve--> approved;  proposed --reject (comment)--> rejected
"""

from dpa_funding import lifecycle

from . import rules  # noqa: F401  (registers the guards and effects named below)
from .choices import MilestoneStatus as M
from .choices import ModificationStatus as D
from .choices import ReportStatus as R

_P = "postaward."

lifecycle.register(lifecycle.Lifecycle(
    key="milestone",
    model="postaward.Milestone",
    field="status",
    editable=(M.DUE,),
    update_fields=("status", "evidence_comment", "submitted_by", "submitted_at", "accepted_at", "updated_at"),
    transitions=(
        lifecycle.Transition(
            name="submit", label="Submit evidence", sources=(M.DUE,), target=M.SUBMITTED,
            action="milestone.submit", guards=(_P + "award_active", _P + "milestone_evidence_given"),
            effects=(_P + "milestone_record_evidence",), comment_audience="applicant",
            fields=("documents",),
        ),
        lifecycle.Transition(
            name="accept", label="Accept milestone", sources=(M.SUBMITTED,), target=M.ACCEPTED,
            action="milestone.accept", effects=(_P + "milestone_stamp_accepted",), comment_audience="applicant",
        ),
        lifecycle.Transition(
            name="return", label="Return evidence", sources=(M.SUBMITTED,), target=M.DUE,
            action="milestone.return", comment_required=True, comment_audience="applicant",
        ),
    ),
))

lifecycle.register(lifecycle.Lifecycle(
    key="report",
    model="postaward.Report",
    field="status",
    editable=(R.DUE,),
    update_fields=("status", "submitted_by", "submitted_at", "accepted_at", "updated_at"),
    transitions=(
        lifecycle.Transition(
            name="submit", label="Submit report", sources=(R.DUE,), target=R.SUBMITTED,
            action="report.submit", guards=(_P + "award_active", _P + "report_complete"),
            effects=(_P + "report_stamp_submitted",), comment_audience="applicant",
        ),
        lifecycle.Transition(
            name="accept", label="Accept report", sources=(R.SUBMITTED,), target=R.ACCEPTED,
            action="report.accept", effects=(_P + "report_stamp_accepted",), comment_audience="applicant",
        ),
        lifecycle.Transition(
            name="return", label="Return report", sources=(R.SUBMITTED,), target=R.DUE,
            action="report.return", comment_required=True, comment_audience="applicant",
        ),
    ),
))

lifecycle.register(lifecycle.Lifecycle(
    key="modification",
    model="postaward.Modification",
    field="status",
    editable=(D.PROPOSED,),
    update_fields=("status", "sequence", "number", "decided_by", "decided_at", "previous_period_end",
                   "previous_federal_amount", "updated_at"),
    transitions=(
        lifecycle.Transition(
            name="approve", label="Approve modification", sources=(D.PROPOSED,), target=D.APPROVED,
            action="modification.approve",
            guards=(_P + "modification_still_valid", _P + "modification_budget_available"),
            effects=(_P + "modification_apply",), comment_audience="applicant",
        ),
        lifecycle.Transition(
            name="reject", label="Reject modification", sources=(D.PROPOSED,), target=D.REJECTED,
            action="modification.reject", effects=(_P + "modification_stamp_decided",),
            comment_required=True, comment_audience="applicant",
        ),
    ),
))
