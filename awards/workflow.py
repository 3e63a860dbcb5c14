"""The award and award-letter lifecycles, declared as data (domain.md, "Award lifecycle").

Every state change of an award or its letter goes through the one door,
``dpa_funding.lifecycle.fire``; guards and effects are registered in awards.guards.
To add a transition (post-award closeout, for instance), add a ``Transition`` line to
the table, its policy action to dpa_funding.policy and its guards/effects to a module this
one imports; the system check resolves every name at start-up.
"""

from dpa_funding import lifecycle
from dpa_funding.lifecycle import Transition

from . import guards  # noqa: F401  (registers the awards.* guards and effects)
from .choices import AwardStatus as A
from .choices import LetterStatus as L

AWARD = lifecycle.register(lifecycle.Lifecycle(
    key="award",
    model="awards.Award",
    field="status",
    editable=(),
    update_fields=("status", "accepted_by", "accepted_at", "rescinded_by", "rescinded_at"),
    select_related=("application",),
    transitions=(
        Transition(
            "accept", "Accept award", (A.PENDING_ACCEPTANCE,), A.ACCEPTED, "award.accept",
            guards=("awards.before_acceptance_deadline",),
            # The reporting schedule of the period of performance is owed from acceptance.
            effects=("awards.record_acceptance", "postaward.generate_reporting_schedule"),
            comment_audience="applicant",
        ),
        Transition(
            "decline_award", "Decline award", (A.PENDING_ACCEPTANCE,), A.DECLINED, "award.decline_award",
            guards=("awards.before_acceptance_deadline",),
            effects=("awards.release_obligation", "awards.application_award_declined"),
            comment_required=True, comment_audience="applicant",
        ),
        Transition(
            "rescind", "Rescind award", (A.PENDING_ACCEPTANCE,), A.RESCINDED, "award.rescind",
            guards=("awards.after_acceptance_deadline",),
            effects=("awards.record_rescission", "awards.release_obligation",
                     "awards.application_award_rescinded"),
            comment_audience="applicant",
        ),
        # Closeout (2 CFR 200.344); its guards and effects belong to the postaward app.
        Transition(
            "start_closeout", "Start closeout", (A.ACCEPTED,), A.CLOSEOUT, "award.start_closeout",
            system=True, guards=("postaward.period_ended",),
        ),
        Transition(
            "close", "Close award", (A.CLOSEOUT,), A.CLOSED, "award.close",
            guards=("postaward.final_reports_accepted",), effects=("postaward.deobligate_unliquidated",),
        ),
    ),
))

LETTER = lifecycle.register(lifecycle.Lifecycle(
    key="letter",
    model="awards.Award",
    field="letter_status",
    update_fields=("letter_status", "letter_file", "letter_sha256", "letter_generated_at",
                   "letter_version", "letter_error", "letter_attempts"),
    transitions=(
        # The worker (no actor) stores a rendered letter; data: name, pdf, sha256, version, attempt.
        Transition("letter_generated", "Letter generated", (L.PENDING, L.FAILED, L.READY), L.READY,
                   "letter.generate", system=True, effects=("awards.store_letter",)),
        # The worker gives up; data: reason, attempts.
        Transition("letter_failed", "Letter failed", (L.PENDING,), L.FAILED, "letter.generate",
                   system=True, effects=("awards.record_letter_failure",)),
        # An officer asks for the letter again (after a failure, or to re-render it).
        Transition("letter_requested", "Letter requested", (L.PENDING, L.READY, L.FAILED), L.PENDING,
                   "letter.request", effects=("awards.reset_letter", "awards.queue_letter")),
    ),
))
