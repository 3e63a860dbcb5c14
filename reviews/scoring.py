"""A review's score from its criterion scores (domain.md, "Review")."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

SCORE_PLACES = Decimal("0.001")  # ReviewAssignment.score has three decimal places


def weighted_score(items: Iterable[tuple[int, int | None]]) -> Decimal | None:
    """0-100 score from (weight, score) pairs; a None score is n/a and drops out.

    The weighted mean m over the scored criteria (weights renormalized to the scored ones)
    maps to (m - 1) / 4 * 100, i.e. 25 * (sum(w*s) - sum(w)) / sum(w). None when nothing
    was scored.
    """
    total_weight, weighted = 0, 0
    for weight, score in items:
        if score is None:
            continue
        total_weight += weight
        weighted += weight * score
    if not total_weight:
        return None
    value = Decimal(25 * (weighted - total_weight)) / Decimal(total_weight)
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)
