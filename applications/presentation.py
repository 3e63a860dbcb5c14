"""What the application page tells people: where the application is in the process (the
USWDS step indicator), what to do next (the summary box), and how each workflow action is
worded (its comment box and its confirmation). Presentation only: the workflow table
decides which actions exist and who may take them; this module only words them.
"""

from dataclasses import dataclass

from django.urls import reverse

from dpa_funding import formatting

from .choices import ApplicationStatus as S

# The applicant's road, in order; each status sits on one step.
STEPS = ("Prepare", "Submit", "Screening", "Merit review", "Negotiation", "Award", "Accepted")
_STEP_OF = {
    S.DRAFT: 0, S.SUBMITTED: 2, S.SCREENING: 2, S.REVISION_REQUESTED: 2,
    S.UNDER_REVIEW: 3, S.REVIEWED: 3, S.SELECTED: 4, S.NEGOTIATION: 4, S.AWARDED: 5,
}


@dataclass(frozen=True)
class ActionCopy:
    """How one workflow action is presented. ``confirm`` actions cannot be undone, so the
    page asks first (a USWDS modal) and the comment box lives inside that dialog."""

    comment_label: str | None  # None: the action takes no comment
    comment_hint: str = ""
    confirm: bool = False
    confirm_heading: str = ""
    confirm_text: str = ""
    button: str = ""  # the confirming button ("Withdraw"); the label when empty
    danger: bool = False


_TO_APPLICANT = "The applicant sees this message."
_INTERNAL = "Federal staff only; the applicant does not see it."

ACTION_COPY: dict[str, ActionCopy] = {
    "submit": ActionCopy(
        None, confirm=True, confirm_heading="Submit this application?",
        confirm_text="Once submitted, the application and its documents are frozen as the record the "
                     "program office screens and reviewers score. You can change it again only if the "
                     "program office asks for a revision.",
        button="Yes, submit the application"),
    "resubmit": ActionCopy(
        None, confirm=True, confirm_heading="Resubmit this application?",
        confirm_text="The revised application and documents become the record the program office screens. "
                     "You cannot change them after resubmitting.",
        button="Yes, resubmit the application"),
    "withdraw": ActionCopy(
        "Reason for withdrawing (optional)", "The program office sees this reason.", confirm=True,
        confirm_heading="Withdraw this application?",
        confirm_text="Withdrawing ends this application for good: it cannot be submitted, reviewed or "
                     "awarded afterwards. To apply again you would start a new application.",
        button="Yes, withdraw the application", danger=True),
    "start_screening": ActionCopy(None),
    "request_revision": ActionCopy("What the applicant must change", _TO_APPLICANT),
    "mark_ineligible": ActionCopy(
        "Reason the application is ineligible", _TO_APPLICANT, confirm=True,
        confirm_heading="Mark this application ineligible?",
        confirm_text="This ends the application; any reviewer assignments are closed. It cannot be undone.",
        button="Yes, mark it ineligible", danger=True),
    "open_review": ActionCopy("Note for the file (optional)", _INTERNAL),
    "select": ActionCopy("Reason for selection (optional)", _INTERNAL),
    "begin_negotiation": ActionCopy("Note for the file (optional)", _INTERNAL),
    "award": ActionCopy(
        "Note for the file (optional)", _INTERNAL, confirm=True, confirm_heading="Issue the award?",
        confirm_text="Issuing obligates the funds and sends the award letter to the applicant. "
                     "It cannot be withdrawn; only a rescission after the acceptance deadline undoes it.",
        button="Yes, issue the award"),
    "decline": ActionCopy(
        "Reason for declining", _TO_APPLICANT, confirm=True, confirm_heading="Decline this application?",
        confirm_text="Declining ends the application. It cannot be undone.",
        button="Yes, decline the application", danger=True),
}


def action_copy(spec) -> ActionCopy:
    copy = ACTION_COPY.get(spec.name)
    if copy is not None:
        return copy
    label = "Message to the applicant" if spec.comment_audience == "applicant" else "Note for the file"
    return ActionCopy(label if spec.comment_required else f"{label} (optional)",
                      _TO_APPLICANT if spec.comment_audience == "applicant" else _INTERNAL)


@dataclass(frozen=True)
class NextStep:
    heading: str
    text: str
    link_url: str = ""
    link_text: str = ""
    quote: str = ""  # the program office's own words (a revision request, a decision)


def steps(application) -> list[dict]:
    """The step indicator's segments: each ``{"label", "state"}`` with state complete,
    current or upcoming. Empty for an application that left the road (withdrawn, …)."""
    award = getattr(application, "issued_award", None) if application.status == S.AWARDED else None
    if award is not None and award.status == "accepted":
        current = len(STEPS)  # every step complete
    elif application.status in _STEP_OF:
        current = _STEP_OF[application.status]
    else:
        return []
    return [
        {"label": label, "state": "complete" if i < current else "current" if i == current else "upcoming"}
        for i, label in enumerate(STEPS)
    ]


def _latest_comment(history, transition: str) -> str:
    for row in reversed(history):
        if row["transition"] == transition and row["comment"]:
            return row["comment"]
    return ""


def next_step_for_applicant(application, history) -> NextStep:
    """What the applicant should do now, in words, with the link that does it."""
    status = application.status
    opp = application.opportunity
    if status == S.DRAFT:
        return NextStep(
            "Finish and submit your application",
            f"Complete every section, upload the technical report and the budget justification, then "
            f"submit before the opportunity closes on {formatting.eastern(opp.closes_at)}.",
            "#actions", "Go to Submit")
    if status == S.REVISION_REQUESTED:
        return NextStep(
            "The program office asked you to revise your application",
            f"Make the changes below, upload any revised documents, and resubmit by "
            f"{formatting.eastern(application.response_due_at)}.",
            "#actions", "Go to Resubmit", quote=_latest_comment(history, "request_revision"))
    if status in (S.SUBMITTED, S.SCREENING):
        return NextStep("Nothing to do now",
                        "The program office is screening your application for eligibility and completeness. "
                        "You will be notified when it moves on or if changes are needed.")
    if status in (S.UNDER_REVIEW, S.REVIEWED):
        return NextStep("Nothing to do now",
                        "Independent reviewers are scoring your application. You will be notified of the decision.")
    if status in (S.SELECTED, S.NEGOTIATION):
        return NextStep("Your application was selected",
                        "The program office will contact your authorized representative to settle the award "
                        "terms. Keep your organization's contact details current.")
    if status == S.AWARDED:
        award = application.issued_award
        url = reverse("awards:detail", args=[award.pk])
        if award.status == "pending_acceptance":
            return NextStep(
                f"Accept award {award.award_number}",
                f"Your authorized representative must review the terms and accept the award by "
                f"{formatting.eastern(award.acceptance_due_at)}; after that date the offer can be rescinded.",
                url, f"Review and accept award {award.award_number}")
        if award.status == "accepted":
            return NextStep(f"Award {award.award_number} accepted",
                            f"Accepted {formatting.eastern(award.accepted_at)}. The award letter is on the award page.",
                            url, f"Award {award.award_number}")
        return NextStep(f"Award {award.award_number}: {award.get_status_display()}", "", url, "See the award")
    reasons = {S.INELIGIBLE: "mark_ineligible", S.DECLINED: "decline", S.WITHDRAWN: "withdraw"}
    return NextStep(f"This application is closed: {application.get_status_display().lower()}",
                    "No further action is possible on it.",
                    quote=_latest_comment(history, reasons.get(status, "")))


def open_review_blockers(application) -> list[str]:
    """Why "Open merit review" cannot be taken yet (the workflow guard's own words), so the
    page does not offer it with too few reviewers."""
    from reviews.guards import enough_reviewers_assigned

    return enough_reviewers_assigned(application, None, {})


def next_step_for_officer(application) -> NextStep | None:
    status = application.status
    if status == S.SUBMITTED:
        return NextStep("Start screening", "Check eligibility and completeness.", "#actions", "Go to actions")
    if status == S.SCREENING:
        return NextStep("Screen the application",
                        f"Request a revision, mark it ineligible, or assign at least "
                        f"{application.opportunity.min_reviewers} reviewers and open merit review.",
                        reverse("reviews:application_assignments", args=[application.pk]), "Assign reviewers")
    if status == S.REVISION_REQUESTED:
        return NextStep("Waiting for the applicant",
                        f"A revision is due {formatting.eastern(application.response_due_at)}.")
    if status == S.UNDER_REVIEW:
        return NextStep("Merit review in progress", "The application moves on when every reviewer has submitted.")
    if status == S.REVIEWED:
        return NextStep("Rank and select", "Compare it with the opportunity's other reviewed applications.",
                        reverse("reviews:ranking", args=[application.opportunity_id]), "Open the ranking")
    if status in (S.SELECTED, S.NEGOTIATION):
        return NextStep("Negotiate terms and issue the award", "",
                        reverse("awards:terms", args=[application.pk]) if status == S.NEGOTIATION else "#actions",
                        "Negotiate terms" if status == S.NEGOTIATION else "Go to actions")
    return None


# Kinds an application has one of: a later upload replaces the earlier one.
_MANY_ALLOWED = {"other"}


def documents_with_currency(documents) -> list[dict]:
    """Each document with ``superseded`` set when a later upload of the same single-copy kind
    replaced it, so a revised budget justification does not sit beside its predecessor as if
    both counted. Current documents first, then the superseded ones."""
    docs = list(documents)
    latest: dict[str, object] = {}
    for doc in docs:  # ordered by upload time
        if doc.kind not in _MANY_ALLOWED:
            latest[doc.kind] = doc
    rows = [{"doc": d, "superseded": d.kind not in _MANY_ALLOWED and latest[d.kind] is not d} for d in docs]
    return sorted(rows, key=lambda r: r["superseded"])
