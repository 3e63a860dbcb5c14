"""The white-paper workflow, declared once as data (domain.md, "Two-step solicitations"):

    draft --submit--> submitted --encourage--> encouraged
    submitted --discourage--> discouraged
    draft|submitted --withdraw--> withdrawn

The one door (``dpa_funding.lifecycle.fire``) takes permissions, guards and effects from
this table; the API and pages list available actions from it. Guards and effects are
registered by name in whitepapers.guards and whitepapers.notify (imported below), and the
engine's system checks fail at start-up when a name does not resolve.
"""

from dpa_funding import lifecycle
from dpa_funding.lifecycle import Transition

from . import guards, notify  # noqa: F401  (register the whitepapers.* guards and effects)
from .choices import WhitePaperStatus as S

KEY = "white_paper"

LIFECYCLE = lifecycle.register(lifecycle.Lifecycle(
    key=KEY,
    model="whitepapers.WhitePaper",
    field="status",
    # The organization edits the white paper and its document only while it is a draft.
    editable=(S.DRAFT,),
    update_fields=("status", "submitted_at", "decided_at", "decided_by", "proposal_due_at", "updated_at"),
    select_related=("opportunity", "organization", "project"),
    transitions=(
        Transition(
            "submit", "Submit white paper", (S.DRAFT,), S.SUBMITTED, "white_paper.submit",
            guards=("whitepapers.white_paper_window_open", "whitepapers.white_paper_complete"),
            effects=("whitepapers.stamp_submitted_at", "whitepapers.tell_officers_submitted"),
            comment_audience="applicant",
        ),
        Transition(
            "encourage", "Encourage a full proposal", (S.SUBMITTED,), S.ENCOURAGED, "white_paper.encourage",
            guards=("whitepapers.proposal_due_in_future",),
            effects=("whitepapers.record_decision", "whitepapers.record_proposal_due_at",
                     "whitepapers.tell_organization_decision"),
            comment_audience="applicant", fields=("proposal_due_at",),
        ),
        Transition(
            "discourage", "Discourage a full proposal", (S.SUBMITTED,), S.DISCOURAGED, "white_paper.discourage",
            effects=("whitepapers.record_decision", "whitepapers.tell_organization_decision"),
            comment_required=True, comment_audience="applicant",
        ),
        Transition(
            "withdraw", "Withdraw white paper", (S.DRAFT, S.SUBMITTED), S.WITHDRAWN, "white_paper.withdraw",
            comment_audience="applicant",
        ),
    ),
))

TRANSITIONS: dict[str, Transition] = {t.name: t for t in LIFECYCLE.transitions}


def get(name: str) -> Transition | None:
    return TRANSITIONS.get(name)


def choices() -> list[tuple[str, str]]:
    """(name, label) of every transition, for enums in forms and the schema."""
    return [(t.name, t.label) for t in LIFECYCLE.transitions]
