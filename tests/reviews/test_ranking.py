"""Ranking: hand-computed means, spreads, z-score normalization, ties, one query."""

import datetime as dt
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.choices import ApplicationStatus
from reviews.choices import AssignmentStatus
from reviews.selectors import opportunity_ranking
from tests.factories import ApplicationFactory, OpportunityFactory
from tests.reviews.factories import ReviewAssignmentFactory, reviewers, submitted_review

pytestmark = pytest.mark.django_db
UNDER_REVIEW = ApplicationStatus.UNDER_REVIEW


def _app(opp, title="Lithium", submitted_minutes_ago=0):
    app = ApplicationFactory(opportunity=opp, title=title, status=UNDER_REVIEW)
    app.submitted_at = timezone.now() - dt.timedelta(minutes=submitted_minutes_ago)
    type(app).objects.filter(pk=app.pk).update(submitted_at=app.submitted_at)
    return app


def test_worked_example_mean_spread_and_z_score_normalization():
    """3 reviewers x 3 applications, every reviewer reviews every application.

    Scores (0-100):          A     B     C    reviewer mean / population sd
        harsh  reviewer 1:   40    20    30       30 / sqrt(200/3) = 8.16497
        lenient reviewer 2:  90    80   100       90 / 8.16497
        flat   reviewer 3:   60    60    60       60 / 0  -> z = 0 for all
    z-scores:                A         B         C
        reviewer 1:       +1.22474  -1.22474   0
        reviewer 2:        0        -1.22474  +1.22474
        reviewer 3:        0         0         0
    mean z:               +0.40825  -0.81650  +0.40825
    Opportunity: mu = (40+20+30+90+80+100+60*3)/9 = 540/9 = 60;
    sigma^2 = mean of squares - mu^2 = (1600+400+900+8100+6400+10000+3*3600)/9 - 3600
            = 38200/9 - 3600 = 644.444..., sigma = 25.38591
    normalized = 60 + 25.38591 * mean_z:  A = 70.36375, B = 39.27251, C = 70.36375
    means: A = 190/3 = 63.333, B = 160/3 = 53.333, C = 190/3 = 63.333
    spreads (population sd): A = sd(40, 90, 60) = sqrt(422.222) = 20.548 (> 20: flagged),
                             B = sd(20, 80, 60) = sqrt(622.222) = 24.944 (flagged),
                             C = sd(30, 100, 60) = sqrt(822.222) = 28.674 (flagged)
    A and C tie on both; A was submitted earlier, so A ranks first.
    """
    opp = OpportunityFactory()
    a, b, c = _app(opp, "A", 30), _app(opp, "B", 20), _app(opp, "C", 10)
    r1, r2, r3 = reviewers(3)
    for reviewer, scores in ((r1, (40, 20, 30)), (r2, (90, 80, 100)), (r3, (60, 60, 60))):
        for app, s in zip((a, b, c), scores, strict=True):
            submitted_review(app, reviewer, score=s)

    by_mean = opportunity_ranking(opp)
    assert [row.application for row in by_mean] == [a.pk, c.pk, b.pk]
    assert [row.rank for row in by_mean] == [1, 2, 3]
    row_a, row_c, row_b = by_mean
    assert row_a.mean_score == pytest.approx(190 / 3)
    assert row_b.mean_score == pytest.approx(160 / 3)
    assert row_a.review_count == 3
    assert row_a.score_spread == pytest.approx(math.sqrt(422.2222222), abs=1e-4)
    assert row_b.score_spread == pytest.approx(24.9444, abs=1e-4)
    assert row_c.score_spread == pytest.approx(28.6744, abs=1e-4)
    sigma = math.sqrt(38200 / 9 - 3600)
    assert sigma == pytest.approx(25.38591, abs=1e-5)
    z = 1.5 ** 0.5  # (40 - 30) / sqrt(200/3) = 1.22474
    assert row_a.normalized_score == pytest.approx(60 + sigma * z / 3, abs=1e-6)
    assert row_a.normalized_score == pytest.approx(70.36375, abs=1e-4)
    assert row_b.normalized_score == pytest.approx(60 - sigma * 2 * z / 3, abs=1e-6)
    assert row_b.normalized_score == pytest.approx(39.27251, abs=1e-4)
    assert row_c.normalized_score == pytest.approx(row_a.normalized_score)
    assert all(row.flagged for row in by_mean)

    by_norm = opportunity_ranking(opp, by="normalized")
    assert [row.application for row in by_norm] == [a.pk, c.pk, b.pk]


def test_normalization_reorders_a_harsh_reviewers_favourite():
    """X is reviewed by a harsh reviewer who still likes it best; Y by a lenient one who
    likes it least. By mean Y wins; normalized, X wins.

    harsh h:   X 50, P 20, Q 20  -> mean 30, sd sqrt(200) = 14.142; z(X) = 20/14.142 = +1.41421
    lenient l: Y 80, P 95, Q 95  -> mean 90, sd sqrt(50) = 7.0711;  z(Y) = -10/7.0711 = -1.41421
    mu = (50+20+20+80+95+95)/6 = 60; sigma^2 = (2500+400+400+6400+9025+9025)/6 - 3600
       = 27750/6 - 3600 = 1025, sigma = 32.0156
    X normalized = 60 + 32.0156 * 1.41421 = 105.277 -> clamped to 100
    Y normalized = 60 - 45.277 = 14.723
    """
    opp = OpportunityFactory()
    x, y, p, q = (_app(opp, t, m) for t, m in (("X", 4), ("Y", 3), ("P", 2), ("Q", 1)))
    h, lenient = reviewers(2)
    for app, s in ((x, 50), (p, 20), (q, 20)):
        submitted_review(app, h, score=s)
    for app, s in ((y, 80), (p, 95), (q, 95)):
        submitted_review(app, lenient, score=s)
    by_mean = opportunity_ranking(opp)
    assert by_mean[0].application == y.pk
    by_norm = {row.application: row for row in opportunity_ranking(opp, by="normalized")}
    assert by_norm[x.pk].rank == 1
    assert by_norm[x.pk].normalized_score == 100.0
    assert by_norm[y.pk].normalized_score == pytest.approx(60 - math.sqrt(1025) * math.sqrt(2), abs=1e-6)
    assert by_norm[y.pk].normalized_score == pytest.approx(14.723, abs=1e-3)
    assert by_norm[y.pk].rank == 4
    assert by_norm[y.pk].review_count == 1 and by_norm[y.pk].score_spread == 0.0
    assert not by_norm[y.pk].flagged


def test_ties_break_by_earlier_submission_then_id(settings):
    settings.REVIEW_SPREAD_THRESHOLD = 20.0
    opp = OpportunityFactory()
    same_time = timezone.now() - dt.timedelta(hours=1)
    late = _app(opp, "late", 5)
    early = _app(opp, "early", 50)
    t1 = ApplicationFactory(opportunity=opp, title="t1", status=UNDER_REVIEW)
    t2 = ApplicationFactory(opportunity=opp, title="t2", status=UNDER_REVIEW)
    type(t1).objects.filter(pk__in=[t1.pk, t2.pk]).update(submitted_at=same_time - dt.timedelta(hours=5))
    r1, r2 = reviewers(2)
    # Same multiset of scores in a different order: the means must tie exactly.
    for app in (late, early, t2, t1):
        a_scores = (72.222, 61.111) if app.pk % 2 else (61.111, 72.222)
        submitted_review(app, r1, score=a_scores[0])
        submitted_review(app, r2, score=a_scores[1])
    order = [row.application for row in opportunity_ranking(opp)]
    assert order == [t1.pk, t2.pk, early.pk, late.pk]


def test_na_review_scores_and_unsubmitted_reviews_are_handled():
    opp = OpportunityFactory()
    app = _app(opp)
    r1, r2 = reviewers(2)
    submitted_review(app, r1, [5, 5, 5, None])   # all 5s, n/a on the 10% criterion -> 100
    submitted_review(app, r2, [1, 1, 1, 1])      # all 1s -> 0
    ReviewAssignmentFactory(application=app, status=AssignmentStatus.ACTIVE, score=None)  # not counted
    [row] = opportunity_ranking(opp)
    assert row.mean_score == 50.0 and row.review_count == 2 and row.score_spread == 50.0 and row.flagged


def test_withdrawn_applications_are_not_ranked():
    opp = OpportunityFactory()
    kept, gone = _app(opp, "kept"), _app(opp, "gone")
    r = reviewers(1)[0]
    submitted_review(kept, r, score=50)
    submitted_review(gone, r, score=90)
    type(gone).objects.filter(pk=gone.pk).update(status=ApplicationStatus.WITHDRAWN)
    assert [row.application for row in opportunity_ranking(opp)] == [kept.pk]


@pytest.mark.parametrize("by", ["mean", "normalized"])
def test_ranking_query_count_does_not_grow_with_applications(by):
    def build(n):
        opp = OpportunityFactory()
        pool = reviewers(3)
        for i in range(n):
            app = ApplicationFactory(opportunity=opp, status=UNDER_REVIEW)
            for j, r in enumerate(pool):
                submitted_review(app, r, score=(i * 7 + j * 13) % 100)
        return opp

    small, large = build(3), build(20)
    with CaptureQueriesContext(connection) as few:
        assert len(opportunity_ranking(small, by=by)) == 3
    with CaptureQueriesContext(connection) as many:
        assert len(opportunity_ranking(large, by=by)) == 20
    assert len(few) == len(many) == 1
