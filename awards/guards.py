"""Guards and the effect of the award transition (registered by name;
applications/workflow.py names them).

Order matters: the lifecycle door runs the guards in the table's order, then the
effect, in one transaction that already holds the application's row lock.
``budget_available`` takes the opportunity's row lock and keeps it until commit, so
concurrent awards against one opportunity serialize there: each sees the obligations the
previous ones committed, and the number drawn in ``issue_award`` follows the same order.
"""

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
    services.award_issue(application=application, actor=actor)
