"""Benchmark: the reminder sweep's query phase over 1,000,000 review deadlines, 1% due.

    .venv/bin/python bench/bench_reminders.py              # 1,000,000 ReviewAssignment rows
    .venv/bin/python bench/bench_reminders.py --smoke      # 20,000 rows, for CI

Uses its own PostgreSQL database (``--database-url``, default
postgres://postgres@127.0.0.1:5432/dpa_bench_reminders; the name must start with
``dpa_bench``): drops and recreates it, migrates it, and generates the rows server-side with
INSERT ... SELECT FROM generate_series (about a minute for a million rows). Deadlines:
1% fall inside the reminder windows at T0 (the 7-day, 1-day and overdue windows, in
reviewable states); 99% lie 20 to 730 days away from T0 in any state. It then times,
median of several runs:

  * due at T0        - the query phase of a sweep at T0 (finding what is due: every window
                       of every registered kind, fetched in the sweep's keyset pages);
  * nothing due      - the same at T0 + 10 days, where no deadline falls in any window;
  * already sent     - at T0 again after recording every due reminder in ReminderLog, so
                       NOT EXISTS removes them all (what every later sweep costs);

and prints EXPLAIN ANALYZE of the 1-day window query, which must show an index scan on
reviews_reviewassignment.due_at, never a sequential scan of the table. Reports, never
asserts, timings. ``--keep`` keeps the database afterwards (it is dropped otherwise).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dpa_bench_reminders"


def _admin_connect(url: str):
    import psycopg
    from environ import Env

    cfg = Env.db_url_config(url)
    if not cfg["ENGINE"].endswith("postgresql"):
        sys.exit("bench_reminders needs PostgreSQL.")
    if not cfg["NAME"].startswith("dpa_bench"):
        sys.exit(f"Refusing to use database {cfg['NAME']!r}: its name must start with 'dpa_bench'.")
    conn = psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                           password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    return conn, cfg["NAME"]


def recreate_database(url: str) -> None:
    conn, name = _admin_connect(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    conn, name = _admin_connect(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load(rows: int, t0, seed: int) -> int:
    """Generate ``rows`` review assignments (reviewers x applications); returns how many are due."""
    import datetime as dt
    from decimal import Decimal

    from django.db import connection

    from accounts.choices import Role
    from accounts.models import Organization, User
    from applications.choices import ApplicationStatus, FacilityType, Instrument, ProjectStage
    from applications.models import Application, FundingOpportunity, Project

    n_reviewers = 1000 if rows >= 100_000 else 200
    n_apps = -(-rows // n_reviewers)
    opp = FundingOpportunity.objects.create(
        number="BENCH-0001", title="Bench", instruments=[Instrument.GRANT],
        opens_at=t0 - dt.timedelta(days=900), closes_at=t0 + dt.timedelta(days=900),
        budget_ceiling=Decimal("1e9"), max_award=Decimal("1e8"))
    org = Organization.objects.create(
        legal_name="Bench Metals LLC", uei="ZBENCH000001", ein="123456789", naics_code="212290",
        address_line1="1 Bench Rd", city="Elko", state="NV", postal_code="89801",
        congressional_district="NV-002")
    project = Project.objects.create(organization=org, name="Bench project", facility_type=FacilityType.MINE,
                                     stage=ProjectStage.FEASIBILITY, state="NV")
    User.objects.bulk_create([User(username=f"reviewer{i}", email=f"reviewer{i}@example.gov",
                                   role=Role.REVIEWER) for i in range(n_reviewers)], batch_size=1000)
    Application.objects.bulk_create([
        Application(opportunity=opp, organization=org, project=project, title=f"Bench {i}",
                    instrument=Instrument.GRANT, federal_amount_requested=Decimal("1000000"),
                    status=ApplicationStatus.UNDER_REVIEW) for i in range(n_apps)], batch_size=1000)
    extra_cols, extra_vals = _filler_columns()
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(%s)", [seed / 1000])
        cur.execute("CREATE TEMP TABLE bench_rev AS SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id "
                    "FROM accounts_user WHERE role = 'reviewer'")
        cur.execute("CREATE TEMP TABLE bench_app AS SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id "
                    "FROM applications_application")
        # 1 row in 100 is due at t0: spread over the three 24-hour windows (lo, hi].
        # Others: 20-730 days before or after t0, in any state.
        cur.execute(f"""
            INSERT INTO reviews_reviewassignment
                (application_id, reviewer_id, due_at, status{extra_cols})
            SELECT a.id, r.id,
                   CASE WHEN g %% 100 = 0 THEN
                        %(t0)s::timestamptz
                        + (CASE (g / 100) %% 3 WHEN 0 THEN interval '144 hours'
                                              WHEN 1 THEN interval '0 hours'
                                              ELSE interval '-24 hours' END)
                        + (1 - random()) * interval '24 hours'
                   ELSE %(t0)s::timestamptz
                        + (CASE WHEN g %% 2 = 0 THEN 1 ELSE -1 END)
                          * (interval '20 days' + random() * interval '710 days')
                   END,
                   CASE WHEN g %% 100 = 0 THEN (CASE WHEN g %% 200 = 0 THEN 'pending_coi' ELSE 'active' END)
                        ELSE (ARRAY['pending_coi','active','submitted','submitted','recused'])[1 + g %% 5]
                   END
                   {extra_vals}
            FROM generate_series(0, %(n)s - 1) AS g
            JOIN bench_app a ON a.idx = g / {n_reviewers}
            JOIN bench_rev r ON r.idx = g %% {n_reviewers}
        """, {"t0": t0, "n": rows})
        cur.execute("ANALYZE reviews_reviewassignment")
        cur.execute("ANALYZE applications_application")
        cur.execute("ANALYZE accounts_user")
    return (rows + 99) // 100


def _filler_columns() -> tuple[str, str]:
    """Values for the model's other NOT NULL columns (the reviews model may grow)."""
    from django.db import models

    from reviews.models import ReviewAssignment

    cols, vals = [], []
    for f in ReviewAssignment._meta.concrete_fields:
        if f.primary_key or f.null or f.column in ("application_id", "reviewer_id", "due_at", "status"):
            continue
        if isinstance(f, models.DateTimeField):
            value = "now()"
        elif isinstance(f, models.BooleanField):
            value = "true" if f.default is True else "false"
        elif isinstance(f, (models.CharField, models.TextField)):
            value = "''"
        elif isinstance(f, (models.IntegerField, models.DecimalField)):
            value = "0"
        else:
            continue
        cols.append(f.column)
        vals.append(value)
    return "".join(f", {c}" for c in cols), "".join(f", {v}" for v in vals)


def query_phase(now) -> int:
    """What the sweep does to find reminders due at ``now`` (no sending): every window of
    every kind, in the same keyset pages. Returns the number of due objects found."""
    from notifications import deadlines, reminders

    found = 0
    for kind in deadlines.available():
        for offset, lo, hi in reminders.windows(now):
            for batch in reminders.due_batches(kind, offset, lo, hi):
                found += len(batch)
    return found


def timed(fn, repeat: int) -> tuple[float, int]:
    fn()  # warm caches and plans
    times, result = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def record_all_due(t0) -> int:
    """Write the ReminderLog rows a sweep at t0 would write (without rendering emails)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from notifications import deadlines, reminders
    from reviews.models import ReviewAssignment

    ct = ContentType.objects.get_for_model(ReviewAssignment).pk
    kind = deadlines.REGISTRY["review_due"]
    total = 0
    with connection.cursor() as cur:
        for offset, lo, hi in reminders.windows(t0):
            cur.execute("""
                INSERT INTO notifications_reminderlog
                    (deadline_kind, content_type_id, object_id, offset_hours, deadline_at,
                     recipient_id, escalation, sent_at)
                SELECT %s, %s, id, %s, due_at, reviewer_id, false, now()
                FROM reviews_reviewassignment
                WHERE due_at > %s AND due_at <= %s AND status IN ('pending_coi', 'active')
                ON CONFLICT DO NOTHING
            """, [kind.name, ct, offset, lo, hi])
            total += cur.rowcount
        cur.execute("ANALYZE notifications_reminderlog")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--smoke", action="store_true", help="20,000 rows")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_REMINDERS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    rows = 20_000 if args.smoke else args.rows

    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "dpa_funding.settings.test"
    recreate_database(args.database_url)
    import datetime as dt

    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.db import connection

    from notifications import deadlines, reminders

    try:
        call_command("migrate", verbosity=0)
        t0 = dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC)
        start = time.perf_counter()
        expected_due = load(rows, t0, args.seed)
        print(f"generated {rows:,} review deadlines ({expected_due:,} due at T0) "
              f"in {time.perf_counter() - start:.1f} s; offsets {settings.REMINDER_OFFSETS_HOURS} h, "
              f"grace {settings.NOTIFICATION_REMINDER_GRACE_HOURS} h")

        due_time, due_found = timed(lambda: query_phase(t0), args.repeat)
        idle_time, idle_found = timed(lambda: query_phase(t0 + dt.timedelta(days=10)), args.repeat)
        kind = deadlines.REGISTRY["review_due"]
        _, lo, hi = reminders.windows(t0)[1]
        plan = reminders.due_objects(kind, 24, lo, hi)[:reminders.CHUNK].explain(analyze=True)
        recorded = record_all_due(t0)
        sent_time, sent_found = timed(lambda: query_phase(t0), args.repeat)

        print(f"due at T0     : {due_time * 1000:9.1f} ms  ({due_found:,} due objects found)")
        print(f"nothing due   : {idle_time * 1000:9.1f} ms  ({idle_found:,} found)")
        print(f"already sent  : {sent_time * 1000:9.1f} ms  ({sent_found:,} found; {recorded:,} logged)")
        print(f"\nEXPLAIN ANALYZE (review_due, 1-day window, first page of {reminders.CHUNK}):\n{plan}")
        if "Seq Scan on reviews_reviewassignment" in plan:
            print("\nWARNING: sequential scan of the deadline table")
        connection.close()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
