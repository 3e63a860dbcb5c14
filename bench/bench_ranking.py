"""Benchmark: rank 10,000 applications with 3 submitted reviews of 5 criteria each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dpa_bench .venv/bin/python bench/bench_ranking.py
    ... bench/bench_ranking.py --smoke        # 200 applications, for CI

Uses its own PostgreSQL database (default ``dpa_bench``; the name must start with
``dpa_bench`` because the script drops it afterwards unless ``--keep``): creates it when
missing, migrates it, loads the data with bulk_create, then times
``reviews.selectors.opportunity_ranking`` by mean and by normalized score (median of
several runs) and prints the figures. Reports, never asserts, timings.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpa_funding.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dpa_bench")


def _admin_connect(url: str):
    """Connect to the server's maintenance database to create or drop the bench database."""
    import psycopg
    from environ import Env

    cfg = Env.db_url_config(url)
    if not cfg["ENGINE"].endswith("postgresql"):
        sys.exit("bench_ranking needs PostgreSQL (DATABASE_URL=postgres://...).")
    if not cfg["NAME"].startswith("dpa_bench"):
        sys.exit(f"Refusing to use database {cfg['NAME']!r}: its name must start with 'dpa_bench'.")
    conn = psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                           password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    return conn, cfg["NAME"]


def ensure_database(url: str) -> None:
    conn, name = _admin_connect(url)
    with conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    conn, name = _admin_connect(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load(n_apps: int, n_reviewers: int, per_app: int, n_criteria: int, seed: int):
    """Bulk-load one opportunity with n_apps applications under review, each with per_app
    submitted reviews of n_criteria criteria. Returns the opportunity."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from accounts.choices import Role
    from accounts.models import Organization, User
    from applications.choices import ApplicationStatus
    from applications.models import Application, FundingOpportunity, Project, RubricCriterion
    from reviews.choices import AssignmentStatus
    from reviews.models import CriterionScore, ReviewAssignment
    from reviews.scoring import weighted_score

    rng = random.Random(seed)
    now = timezone.now()
    tag = f"{int(time.time())}"
    opp = FundingOpportunity.objects.create(
        number=f"BENCH-{tag}", title="Ranking benchmark", instruments=["grant"],
        opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(days=30),
        budget_ceiling=Decimal("1000000000"), max_award=Decimal("50000000"), min_reviewers=per_app,
    )
    weights = [30, 25, 20, 15, 10][:n_criteria]
    weights[-1] += 100 - sum(weights)
    criteria = RubricCriterion.objects.bulk_create(
        RubricCriterion(opportunity=opp, name=f"Criterion {i + 1}", weight=w, position=i, allows_na=(i == n_criteria - 1))
        for i, w in enumerate(weights))
    reviewers = User.objects.bulk_create(
        User(username=f"bench-{tag}-r{i}", role=Role.REVIEWER, password="!") for i in range(n_reviewers))
    orgs = Organization.objects.bulk_create(
        Organization(legal_name=f"Bench Org {i}", uei=f"B{tag[-5:]}{i:06d}"[:12], ein="123456789",
                     naics_code="212290", address_line1="1 Main St", city="Elko", state="NV",
                     postal_code="89801", congressional_district="NV-002")
        for i in range(max(n_apps // 20, 1)))
    projects = Project.objects.bulk_create(
        Project(organization=o, name=f"Project of {o.legal_name}", facility_type="mine", stage="feasibility",
                state="NV") for o in orgs)
    apps = Application.objects.bulk_create(
        (Application(opportunity=opp, organization=projects[i % len(projects)].organization,
                     project=projects[i % len(projects)], title=f"Application {i}", instrument="grant",
                     federal_amount_requested=Decimal("1000000"), submitted_at=now - dt.timedelta(seconds=i))
         for i in range(n_apps)), batch_size=2000)
    Application.objects.filter(opportunity=opp).update(status=ApplicationStatus.UNDER_REVIEW)

    assignments, score_rows = [], []
    for i, app in enumerate(apps):
        start = (i * per_app) % n_reviewers
        for k in range(per_app):
            scores = [rng.randint(1, 5) for _ in criteria]
            if rng.random() < 0.1:
                scores[-1] = None  # n/a on the last criterion, which allows it
            a = ReviewAssignment(
                application=app, reviewer=reviewers[(start + k) % n_reviewers], due_at=now,
                status=AssignmentStatus.SUBMITTED, has_conflict=False, submitted_at=now,
                score=weighted_score(zip(weights, scores, strict=True)))
            assignments.append(a)
            score_rows.append(scores)
    ReviewAssignment.objects.bulk_create(assignments, batch_size=5000)
    CriterionScore.objects.bulk_create(
        (CriterionScore(assignment=a, criterion=c, score=s)
         for a, scores in zip(assignments, score_rows, strict=True) for c, s in zip(criteria, scores, strict=True)),
        batch_size=10000)
    return opp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="small run (200 applications) for CI")
    parser.add_argument("--applications", type=int, default=None)
    parser.add_argument("--reviewers", type=int, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    n_apps = args.applications or (200 if args.smoke else 10_000)
    n_reviewers = args.reviewers or (30 if args.smoke else 300)

    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    import django
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    django.setup()
    call_command("migrate", verbosity=0)
    from reviews.selectors import opportunity_ranking

    try:
        t0 = time.perf_counter()
        opp = load(n_apps, n_reviewers, per_app=3, n_criteria=5, seed=42)
        load_s = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"loaded {n_apps} applications x 3 reviews x 5 criteria, {n_reviewers} reviewers "
              f"in {load_s:.1f} s ({connection.vendor})")
        for by in ("mean", "normalized"):
            opportunity_ranking(opp, by=by)  # warm-up
            times = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    t = time.perf_counter()
                    rows = opportunity_ranking(opp, by=by)
                    times.append(time.perf_counter() - t)
            assert len(rows) == n_apps
            print(f"opportunity_ranking(by={by!r}): median {statistics.median(times) * 1000:.1f} ms "
                  f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {args.runs} runs), "
                  f"{len(queries)} query; top: #{rows[0].application} {rows[0].mean_score:.2f}/"
                  f"{rows[0].normalized_score:.2f}")
    finally:
        connections.close_all()
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
