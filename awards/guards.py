"""Guards and the effect of the award transition (registered by name;
applications/workflow.py names them).

Order matters: the lifecycle door runs the guards in the table's order, then the
effect, in one transaction that already holds the application's row lock.
``budget_available`` takes the opportunity's row lock and keeps it until commit, so
concurrent awards against one opportunity serialize there: each sees the obligations the
previous ones committed, and the number drawn in ``issue_award`` follows the same order.
"""

from django.utils import timezone

from applications.models import FundingOpportunity
from dpa_funding import lifecycle

from . import services
from .models import AwardTerms


def _terms(application) -> AwardTerms | None:
    return AwardTerms.objects.filter(application=application).first()


@lifecycle.guard("awards.terms_ready")
def terms_ready(application, actor, data) -> list[str]:
    """Terms exist and pass every rule (amount, cost share, instrument, period, loan terms)."""
    terms = _terms(application)
    if terms is None:
        return ["Draft and save the award terms before issuing the award."]
    errors = services.terms_errors(application, services.terms_values(terms))
    return [f"Terms: {message}" for messages in errors.values() for message in messages]


@lifecycle.guard("awards.issuer_did_not_review")
def issuer_did_not_review(application, actor, data) -> list[str]:
    """Separation of duties: the issuing officer must not have reviewed this application."""
    from reviews.models import ReviewAssignment

    if actor is not None and ReviewAssignment.objects.filter(application=application, reviewer=actor).exists():
        return ["You were assigned to review this application, so another officer must issue the award."]
    return []


@lifecycle.guard("awards.budget_available")
def budget_available(application, actor, data) -> list[str]:
    """The award's obligation fits what remains of the opportunity's budget.

    Locks the opportunity row (held until the transaction ends) before summing the active
    obligations, so two awards can never both fit into the same remaining money.
    """
    opp = FundingOpportunity.objects.select_for_update().get(pk=application.opportunity_id)
    terms = _terms(application)
    if terms is None or services.terms_errors(application, services.terms_values(terms)):
        return []  # terms_ready reports the problem; no amount to check
    obligation = services.obligation_amount(
        instrument=terms.instrument, federal_amount=terms.federal_amount, principal=terms.principal,
        opportunity=opp,
    )
    remaining = opp.budget_ceiling - services.active_obligations_total(opp.pk)
    if obligation > remaining:
        return [
            f"The award would obligate ${obligation:,.2f} but only ${remaining:,.2f} of the "
            f"opportunity's ${opp.budget_ceiling:,.2f} budget remains."
        ]
    return []


@lifecycle.effect("awards.issue_award")
def issue_award(application, actor, data) -> None:
    """Effect: create the award, its obligation and loan terms; queue the letter on commit."""
    services.award_issue(application=application, actor=actor,
                         acceptance_due_at=services.parse_deadline(data.get("acceptance_due_at")))


def _deadline(award) -> str:
    return f"{timezone.localtime(award.acceptance_due_at):%B %d, %Y %I:%M %p %Z}"


@lifecycle.guard("awards.acceptance_deadline_valid")
def acceptance_deadline_valid(application, actor, data) -> list[str]:
    """award: an acceptance deadline the officer sets must lie in the future."""
    due = services.parse_deadline(data.get("acceptance_due_at"))
    if due is not None and due <= timezone.now():
        return ["The acceptance deadline must be in the future."]
    return []


# ---------------------------------------------------------------- the award lifecycle


@lifecycle.guard("awards.before_acceptance_deadline")
def before_acceptance_deadline(award, actor, data) -> list[str]:
    if timezone.now() >= award.acceptance_due_at:
        return [f"The acceptance deadline passed on {_deadline(award)}."]
    return []


@lifecycle.guard("awards.after_acceptance_deadline")
def after_acceptance_deadline(award, actor, data) -> list[str]:
    if timezone.now() < award.acceptance_due_at:
        return [f"An award can be rescinded only after its acceptance deadline, {_deadline(award)}."]
    return []


@lifecycle.effect("awards.record_acceptance")
def record_acceptance(award, actor, data) -> None:
    award.accepted_by, award.accepted_at = actor, timezone.now()


@lifecycle.effect("awards.record_rescission")
def record_rescission(award, actor, data) -> None:
    award.rescinded_by, award.rescinded_at = actor, timezone.now()


@lifecycle.effect("awards.release_obligation")
def release_obligation(award, actor, data) -> None:
    """The award's money returns to the opportunity's budget (funds count only unreleased
    obligations)."""
    services.obligation_release(award=award)


def _follow(award, name: str, data) -> None:
    # The application follows its award; the award's own log row names who acted.
    lifecycle.fire("application", award.application_id, name, actor=None,
                   data={"comment": (data.get("comment") or "").strip()})


@lifecycle.effect("awards.application_award_declined")
def application_award_declined(award, actor, data) -> None:
    _follow(award, "record_award_declined", data)


@lifecycle.effect("awards.application_award_rescinded")
def application_award_rescinded(award, actor, data) -> None:
    _follow(award, "record_award_rescinded", data)


# ---------------------------------------------------------------- the letter lifecycle


@lifecycle.effect("awards.store_letter")
def store_letter(award, actor, data) -> None:
    """Write the rendered PDF under its deterministic name (the door holds the row lock, so
    nobody else writes this name now; a file a crashed attempt left is replaced, so storage
    cannot hand back a suffixed second copy)."""
    from django.core.files.base import ContentFile

    storage = award.letter_file.storage
    if storage.exists(data["name"]):
        storage.delete(data["name"])
    award.letter_file.name = storage.save(data["name"], ContentFile(data["pdf"]))
    award.letter_sha256 = data["sha256"]
    award.letter_generated_at = timezone.now()
    award.letter_version = data["version"]
    award.letter_error = ""
    award.letter_attempts = data.get("attempt", 1)


@lifecycle.effect("awards.record_letter_failure")
def record_letter_failure(award, actor, data) -> None:
    award.letter_error = (data.get("reason") or "")[:2000]
    award.letter_attempts = data.get("attempts", 1)


@lifecycle.effect("awards.reset_letter")
def reset_letter(award, actor, data) -> None:
    award.letter_error = ""
    award.letter_attempts = 0


@lifecycle.effect("awards.queue_letter")
def queue_letter(award, actor, data) -> None:
    from .letters import award_letter_queue

    award_letter_queue(award=award)
