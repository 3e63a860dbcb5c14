"""Where a submission's time goes: the burst's four requests, in process, under cProfile.

    .venv/bin/python bench/profile_submission.py [--rounds 30] [--top 25]

Runs the same requests as ``bench_submissions.py`` (create with an Idempotency-Key, two
PDF uploads, submit) through Django's WSGI handler with production middleware, on its own
database (``dpa_bench_profile_<pid>``, dropped afterwards). Prints the mean wall time and the
statement count of each step, then the functions with the most cumulative time. Figures
are printed, never asserted.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402
import seed_applications  # noqa: E402
from bench_submissions import multipart, pdf  # noqa: E402

DB = f"dpa_bench_profile_{os.getpid()}"  # two runs at once never drop each other's database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--smoke", action="store_true", help="3 rounds, short listing")
    parser.add_argument("--sql", action="store_true", help="also print the statements of the last round")
    args = parser.parse_args()
    rounds, top = (3, 10) if args.smoke else (args.rounds, args.top)

    benchdb.recreate_database(DB)
    benchdb.setup_django(DB)
    benchdb.migrate()
    try:
        run(rounds, top, args.sql)
    finally:
        from django.db import connections

        connections.close_all()
        benchdb.drop_database(DB)


def run(rounds: int, top: int, show_sql: bool = False) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Membership

    seed_applications.seed(1)
    member = Membership.objects.select_related("user").order_by("organization_id").first()
    token = benchdb.api_token(member.user)
    org = member.organization_id
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    report, justification = pdf("Technical report"), pdf("Budget justification")

    def submission(n: int, timings: dict, queries: dict) -> None:
        def step(name, call):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = call()
                timings.setdefault(name, []).append(time.perf_counter() - t0)
            queries[name] = len(ctx.captured_queries)
            statements[name] = [q["sql"] for q in ctx.captured_queries]
            assert response.status_code in (200, 201), (name, response.status_code, response.content[:300])
            return response

        created = step("create", lambda: client.post(
            "/api/v1/applications/", content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), data={
                "opportunity": 1, "organization": org, "project": org,
                "title": f"Profiled application {n}", "instrument": "grant",
                "federal_amount_requested": "1000000.00", "cost_share_amount": "1000000.00",
                "period_start": "2027-01-01", "period_end": "2029-12-31", "summary": "Profiled.",
                "budget": {"equipment": "1500000.00", "construction": "500000.00"},
            }))
        app_id = created.json()["id"]
        for kind, name, content in (("technical_report", "report.pdf", report),
                                    ("budget_justification", "budget.pdf", justification)):
            body, ctype = multipart({"kind": kind}, name, content)
            step(f"upload {kind}", lambda body=body, ctype=ctype: client.generic(
                "POST", f"/api/v1/applications/{app_id}/documents/", body, content_type=ctype))
        step("submit", lambda: client.post(
            f"/api/v1/applications/{app_id}/transitions/submit/", content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), data={"comment": ""}))

    statements: dict[str, list[str]] = {}
    submission(0, {}, {})  # warm caches, imports and the first connection
    timings: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(1, rounds + 1):
        submission(n, timings, queries)
    profiler.disable()

    total = 0.0
    for name, values in timings.items():
        mean = sum(values) / len(values) * 1000
        total += mean
        print(f"{name:32s} {mean:7.1f} ms  {queries[name]:3d} statements")
    print(f"{'one submission (4 requests)':32s} {total:7.1f} ms  (under cProfile; in process, one thread)")
    if show_sql:
        for name, sqls in statements.items():
            print(f"--- {name}")
            for sql in sqls:
                print("   ", sql[:220])
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
