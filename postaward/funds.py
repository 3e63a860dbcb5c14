"""Money already paid out on an award, from the payments app (issue 15, payments side).

The payments app owns payment requests and loan disbursements; post-award management only
reads two figures from it. A build without that app has paid nothing and has no
delinquent loans, which is what the fallbacks below say.
"""

from decimal import Decimal

try:
    from payments.selectors import delinquent_award_ids as _delinquent_award_ids
    from payments.selectors import drawn_amount as _drawn_amount
except ImportError:  # the payments app is not part of this build
    _drawn_amount = None
    _delinquent_award_ids = None


def drawn_amount(award) -> Decimal:
    """Federal funds paid (grants, agreements) or principal disbursed (loans) on ``award``."""
    if _drawn_amount is None:
        return Decimal("0.00")
    return Decimal(_drawn_amount(award))


def delinquent_award_ids() -> set[int]:
    """Loan awards with an installment unpaid 30 days after its due date."""
    if _delinquent_award_ids is None:
        return set()
    return set(_delinquent_award_ids())
