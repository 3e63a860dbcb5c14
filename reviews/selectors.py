"""Reads of merit review: who sees which reviews, and the opportunity ranking."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Avg, F, FloatField, StdDev, Window
from django.db.models.functions import Cast

from accounts.models import Organization
from applications.choices import ApplicationStatus
from applications.models import Application
from dpa_funding import policy
from dpa_funding.errors import NotFound

from .choices import ACCESS_STATES, AssignmentStatus
from .models import ReviewAssignment
from .querysets import ReviewAssignmentQuerySet

__all__ = ["ReviewAssignmentQuerySet", "application_reviews_for", "opportunity_ranking", "RankedApplication"]


# ---------------------------------------------------------------- reviews of an application


def _review_dict(assignment: ReviewAssignment, label: str, *, named: bool, own: bool) -> dict:
    return {
        "assignment_id": assignment.pk if (named or own) else None,
        "reviewer_label": label,
        "reviewer": ({"id": assignment.reviewer_id, "username": assignment.reviewer.username}
                     if named else None),
        "is_own": own,
        "status": assignment.status,
        "score": assignment.score,
        "scores": [
            {"criterion": s.criterion_id, "name": s.criterion.name, "weight": s.criterion.weight,
             "score": s.score, "comment": s.comment}
            for s in assignment.scores.all()
        ],
        "overall_comment": assignment.overall_comment,
        "submitted_at": assignment.submitted_at,
    }


def reviewer_label(user) -> str:
    return user.get_full_name() or user.username


def application_reviews_for(user, application: Application) -> list[dict]:
    """The reviews of an application as ``user`` may see them.

    Officers: every submitted review, with reviewer names. A reviewer with access (active or
    submitted assignment): before submitting, only their own draft; after, every submitted
    review, the others anonymized as "Reviewer N" where N numbers the application's
    assignments by id (stable whatever is submitted later). Everyone else, including
    applicants and recused reviewers: NotFound (never reveal that reviews exist).
    """
    base = (ReviewAssignment.objects.filter(application=application)
            .select_related("reviewer").prefetch_related("scores__criterion").order_by("submitted_at", "pk"))
    if not policy.may(user, "review.list", application):
        raise NotFound()
    if policy.may(user, "staff.read"):
        return [_review_dict(a, reviewer_label(a.reviewer), named=True, own=False)
                for a in base.filter(status=AssignmentStatus.SUBMITTED)]
    own = base.filter(reviewer=user, status__in=ACCESS_STATES).first()
    if own is None:
        raise NotFound()
    numbers = {pk: i for i, pk in enumerate(
        ReviewAssignment.objects.filter(application=application).order_by("pk").values_list("pk", flat=True), 1)}
    if own.status != AssignmentStatus.SUBMITTED:
        return [_review_dict(own, f"Reviewer {numbers[own.pk]} (you)", named=False, own=True)]
    return [
        _review_dict(a, f"Reviewer {numbers[a.pk]}{' (you)' if a.pk == own.pk else ''}",
                     named=False, own=a.pk == own.pk)
        for a in base.filter(status=AssignmentStatus.SUBMITTED)
    ]


# ---------------------------------------------------------------- ranking


@dataclass(frozen=True)
class RankedApplication:
    rank: int
    application: int
    title: str
    organization: str
    organization_id: int
    status: str
    mean_score: float
    normalized_score: float
    review_count: int
    score_spread: float
    flagged: bool


RANK_BY = {"mean": "mean_score", "normalized": "normalized_score"}
# Standard deviations below this are zero up to floating-point noise (scores have 3
# decimals, so a real non-zero one is at least ~3e-4): such a reviewer's z-scores are 0.
_EPS = 1e-9


def _review_rows(opportunity):
    """Submitted reviews of the opportunity's competing applications, each with its
    reviewer's and the whole opportunity's mean and population standard deviation
    (window functions, STDDEV_POP)."""
    s = Cast("score", FloatField())
    return (
        ReviewAssignment.objects.filter(
            application__opportunity_id=opportunity.pk, status=AssignmentStatus.SUBMITTED,
            score__isnull=False,
        )
        .exclude(application__status=ApplicationStatus.WITHDRAWN)
        .annotate(
            s=s,
            r_mean=Window(Avg(s), partition_by=[F("reviewer_id")]),
            r_sd=Window(StdDev(s, sample=False), partition_by=[F("reviewer_id")]),
            o_mean=Window(Avg(s)),
            o_sd=Window(StdDev(s, sample=False)),
        )
        .order_by()
        .values("application_id", "s", "r_mean", "r_sd", "o_mean", "o_sd")
    )


def opportunity_ranking(opportunity, by: str = "mean") -> list[RankedApplication]:
    """Rank the opportunity's applications that have submitted reviews, in ONE query.

    Per application: mean_score, review_count, score_spread (population sd) and
    normalized_score = clamp(mu + sigma * mean_z, 0, 100), where z = (s - mean_r) / sd_r over
    each reviewer r's review scores in the opportunity (z = 0 when sd_r = 0) and mu, sigma
    are the mean and population sd of all submitted review scores in the opportunity.
    Ordered by ``by`` ("mean" or "normalized", best first), ties by the application's
    earlier submission, then id. Withdrawn applications take no part.
    """
    if by not in RANK_BY:
        raise ValueError(f"by must be one of {sorted(RANK_BY)}")
    inner_sql, params = _review_rows(opportunity).query.sql_with_params()
    q = connection.ops.quote_name
    app_t, org_t = q(Application._meta.db_table), q(Organization._meta.db_table)
    # The ORM's own compiled SQL and quoted table names; every value is a parameter.
    sql = f"""
        WITH r AS ({inner_sql}),
        per_app AS (
            SELECT r.application_id,
                   COUNT(*) AS review_count,
                   AVG(r.s) AS mean_score,
                   STDDEV_POP(r.s) AS score_spread,
                   AVG(CASE WHEN r.r_sd > {_EPS} THEN (r.s - r.r_mean) / r.r_sd ELSE 0 END) AS mean_z,
                   MAX(r.o_mean) AS mu,
                   MAX(r.o_sd) AS sigma
            FROM r GROUP BY r.application_id
        ),
        scored AS (
            SELECT p.application_id, p.review_count, p.mean_score,
                   p.score_spread,
                   p.mu + p.sigma * p.mean_z AS raw_normalized
            FROM per_app p
        ),
        ranked AS (
            SELECT s.*, CASE WHEN s.raw_normalized < 0 THEN 0 WHEN s.raw_normalized > 100 THEN 100
                             ELSE s.raw_normalized END AS normalized_score
            FROM scored s
        )
        SELECT a.id, a.title,
               COALESCE(a.submitted_record #>> '{{organization,legal_name}}', o.legal_name),
               a.organization_id, a.status, k.mean_score,
               k.normalized_score, k.review_count, k.score_spread
        FROM ranked k
        JOIN {app_t} a ON a.id = k.application_id
        JOIN {org_t} o ON o.id = a.organization_id
        ORDER BY ROUND(CAST(k.{RANK_BY[by]} AS NUMERIC), 6) DESC,
                 CASE WHEN a.submitted_at IS NULL THEN 1 ELSE 0 END, a.submitted_at, a.id
    """  # nosec B608
    # ROUND(.., 6) in ORDER BY: equal score sets summed in another order may differ in the
    # last bits of a double; they must tie and fall through to the tie-breaks.
    threshold = float(settings.REVIEW_SPREAD_THRESHOLD)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        RankedApplication(
            rank=i, application=app_id, title=title, organization=org, organization_id=org_id,
            status=status, mean_score=float(mean), normalized_score=float(norm), review_count=int(n),
            score_spread=float(spread), flagged=float(spread) > threshold,
        )
        for i, (app_id, title, org, org_id, status, mean, norm, n, spread) in enumerate(rows, 1)
    ]
