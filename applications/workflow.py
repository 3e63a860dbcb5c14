"""The application workflow, declared once as data.

The model's django-fsm transitions take their sources and targets from this table, the
transition service takes roles, guards and effects from it, and the API and pages list
available actions from it. Guards and effects are dotted paths so that the reviews and
awards apps can own the rules about their own models without import cycles.

A guard is ``guard(application, actor, data) -> list[str]`` returning the unmet
conditions (empty when met). An effect is ``effect(application, actor, data) -> None``
and runs inside the transition's transaction after the state changed.
"""

from dataclasses import dataclass, field

from .choices import TERMINAL_STATUSES
from .choices import ApplicationStatus as S

# Who may fire a transition.
AOR = "authorized_representative"  # of the application's organization
OFFICER = "program_officer"
AWARDING_OFFICER = "awarding_officer"  # a program officer with award authority
SYSTEM = "system"  # fired by the system (actor None) or by an officer


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    actor: str
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    comment_required: bool = False
    # "applicant": the comment is addressed to the applicant; "internal": officers only.
    comment_audience: str = "internal"
    # Extra body fields the transition reads (validated by guards), for docs and forms.
    fields: tuple[str, ...] = field(default=())

    @property
    def who(self) -> str:
        """The policy action that permits this transition."""
        return "award.issue" if self.name == "award" else f"application.{self.name}"


_G = "applications.guards."
_R = "reviews.guards."
_R_EFFECTS = "reviews.effects."
_A = "awards.guards."

BEFORE_AWARD = tuple(
    s for s in S.values if s not in TERMINAL_STATUSES and s != S.AWARDED
)

TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        TransitionSpec(
            "submit", "Submit application", (S.DRAFT,), S.SUBMITTED, AOR,
            guards=(_G + "opportunity_open", _G + "application_complete"),
            effects=(_G + "stamp_submitted_at", "applications.record.freeze_submitted_record"),
        ),
        TransitionSpec("start_screening", "Start screening", (S.SUBMITTED,), S.SCREENING, OFFICER),
        TransitionSpec(
            "request_revision", "Request revision", (S.SCREENING,), S.REVISION_REQUESTED, OFFICER,
            guards=(_G + "comment_given", _G + "response_due_in_future"),
            effects=(_G + "record_response_due_at",),
            comment_required=True, comment_audience="applicant", fields=("response_due_at",),
        ),
        TransitionSpec(
            "resubmit", "Resubmit application", (S.REVISION_REQUESTED,), S.SUBMITTED, AOR,
            guards=(_G + "before_response_due", _G + "application_complete"),
            effects=(_G + "stamp_submitted_at", "applications.record.freeze_submitted_record"),
        ),
        TransitionSpec(
            "mark_ineligible", "Mark ineligible", (S.SCREENING,), S.INELIGIBLE, OFFICER,
            guards=(_G + "comment_given",), effects=(_R_EFFECTS + "close_assignments_on_ineligible",),
            comment_required=True, comment_audience="applicant",
        ),
        TransitionSpec(
            "open_review", "Open merit review", (S.SCREENING,), S.UNDER_REVIEW, OFFICER,
            guards=(_R + "enough_reviewers_assigned",),
        ),
        TransitionSpec(
            "complete_review", "Complete review", (S.UNDER_REVIEW,), S.REVIEWED, SYSTEM,
            guards=(_R + "all_reviews_submitted",),
        ),
        TransitionSpec("select", "Select for award", (S.REVIEWED,), S.SELECTED, OFFICER),
        TransitionSpec(
            "begin_negotiation", "Begin negotiation", (S.SELECTED,), S.NEGOTIATION, OFFICER,
        ),
        TransitionSpec(
            "award", "Issue award", (S.NEGOTIATION,), S.AWARDED, AWARDING_OFFICER,
            guards=(_A + "terms_ready", _A + "issuer_did_not_review", _A + "budget_available"),
            effects=(_A + "issue_award",),
        ),
        TransitionSpec(
            "decline", "Decline", (S.REVIEWED, S.SELECTED, S.NEGOTIATION), S.DECLINED, OFFICER,
            guards=(_G + "comment_given",), comment_required=True, comment_audience="applicant",
        ),
        TransitionSpec(
            "withdraw", "Withdraw application", BEFORE_AWARD, S.WITHDRAWN, AOR,
            effects=(_R_EFFECTS + "close_assignments_on_withdraw",), comment_audience="applicant",
        ),
    )
}


def get(name: str) -> TransitionSpec | None:
    return TRANSITIONS.get(name)


def sources(name: str) -> list[str]:
    return list(TRANSITIONS[name].sources)


def target(name: str) -> str:
    return TRANSITIONS[name].target
