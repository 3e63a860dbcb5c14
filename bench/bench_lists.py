"""Benchmark: the application list under production settings against its floor.

    .venv/bin/python bench/bench_lists.py            # 100,000 applications, 200 requests a scenario
    .venv/bin/python bench/bench_lists.py --smoke    # 2,000 applications, 24 requests, for CI

Seeds its own database (``dpa_bench_lists``, dropped afterwards unless ``--keep``), then for
each scenario serves first the floor (``bench/floor_app.py``: one hand-written SQL statement
and the ``json`` module) and then the app, each with gunicorn and 2 sync workers, and drives
both at concurrency 8 as the program officer. Prints p50 and p90 per scenario, the ratio
app/floor, and the number of SQL statements one request runs at page sizes 10 and 100 (it
must not grow with the page). Figures are reported, never asserted.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402
import seed_applications  # noqa: E402

DB = "dpa_bench_lists"


def scenarios(mineral_id: int, deep_page: int) -> list[tuple[str, str]]:
    return [
        ("officer list, page_size=100", "page_size=100"),
        ("status + opportunity, -submitted_at", "status=submitted&opportunity=3&ordering=-submitted_at&page_size=100"),
        ("mineral + state", f"mineral={mineral_id}&state=NV&page_size=100"),
        ("ordering=-federal_amount_requested", "ordering=-federal_amount_requested&page_size=100"),
        (f"page {deep_page}", f"page={deep_page}&page_size=100"),
    ]


def query_counts(user, query: str) -> tuple[int, int]:
    """Statements one list request runs at page_size 10 and 100 (in-process)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    counts = []
    for size in (10, 100):
        q = query.replace("page_size=100", f"page_size={size}")
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(f"/api/v1/applications/?{q}", HTTP_HOST="127.0.0.1")
        assert resp.status_code == 200, resp.content[:300]
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--applications", type=int)
    parser.add_argument("--requests", type=int)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--reuse", action="store_true", help="reuse a seeded dpa_bench_lists")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    n_apps = args.applications or (2_000 if args.smoke else 100_000)
    n_req = args.requests or (24 if args.smoke else 200)

    if not args.reuse:
        benchdb.recreate_database(DB)
    benchdb.setup_django(DB)
    from accounts.models import User
    from applications.models import Mineral

    if not args.reuse:
        benchdb.migrate()
        t0 = time.perf_counter()
        seed_applications.seed(n_apps)
        print(f"seeded {n_apps:,} applications in {time.perf_counter() - t0:.1f} s")
    officer = User.objects.get(username="bench_officer")
    token = benchdb.api_token(officer)
    mineral_id = Mineral.objects.filter(projects__state="NV").order_by("id").values_list("id", flat=True)[0]
    env = benchdb.production_env(DB)

    rows = []
    try:
        for label, query in scenarios(mineral_id, deep_page=min(500, n_apps // 200)):
            stats = {}
            for name, app, path in (("floor", "bench.floor_app:application", "/"),
                                    ("app", "dpa_funding.wsgi:application", "/api/v1/applications/")):
                with benchdb.gunicorn(app, env) as base:
                    url = f"{base}{path}?{query}"

                    def fetch(_i, url=url):
                        return benchdb.http("GET", url, token=token)[0]

                    benchdb.latencies(fetch, requests=max(8, n_req // 10), concurrency=args.concurrency)  # warm
                    stats[name] = benchdb.latencies(fetch, requests=n_req, concurrency=args.concurrency)
            q10, q100 = query_counts(officer, query)
            rows.append((label, stats["app"], stats["floor"], q10, q100))
            print(f"{label:40s} app p50 {stats['app']['p50']:7.1f} ms  floor p50 {stats['floor']['p50']:7.1f} ms"
                  f"  ratio {stats['app']['p50'] / stats['floor']['p50']:4.2f}  errors {stats['app']['errors']}"
                  f"  queries {q10}/{q100}", flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            benchdb.drop_database(DB)

    print(f"\n{n_apps:,} applications, {n_req} requests a scenario at concurrency {args.concurrency}, "
          "gunicorn 2 sync workers, production settings")
    print("| scenario | app p50 | app p90 | floor p50 | ratio | queries (10 / 100 rows) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, app, floor, q10, q100 in rows:
        print(f"| {label} | {app['p50']:.1f} ms | {app['p90']:.1f} ms | {floor['p50']:.1f} ms | "
              f"{app['p50'] / floor['p50']:.2f}x | {q10} / {q100} |")


if __name__ == "__main__":
    main()
