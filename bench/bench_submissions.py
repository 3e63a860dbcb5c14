"""Benchmark: a deadline-day burst of submissions, and the exactly-once check.

    .venv/bin/python bench/bench_submissions.py            # 20 clients for 30 s
    .venv/bin/python bench/bench_submissions.py --smoke    # 4 clients for 5 s, for CI

Each client is the authorized representative of its own organization and repeats the
applicant's whole submission over HTTP: create the application (with an Idempotency-Key),
upload a technical report and a budget justification (real PDFs), and fire ``submit``
(with an Idempotency-Key). The load generator is an asyncio client (aiohttp, from PyPI).
The server is gunicorn with 2 sync workers under production settings on its own database
(``dpa_bench_submissions``, dropped afterwards unless ``--keep``). A request that fails on
the network is retried with the same key.

The floors run first, with the same clients and the same gunicorn: ``floor_submissions.py``,
one hand-written SQL statement per request (4 per submission) in a bare WSGI app, then
``floor_django.py``, the same statements behind the project's Django middleware, DRF and
knox authentication. The ratio app/floor is what Django, DRF and our rules cost; app/django
is what our own code costs on top of the framework.

Afterwards the database is compared with what the clients saw: every accepted create is
stored exactly once, and every accepted submit left its application submitted with both
documents. Figures are printed, never asserted; a mismatch exits non-zero.
"""

import argparse
import asyncio
import io
import json
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402
import benchdb  # noqa: E402
import seed_applications  # noqa: E402

DB = "dpa_bench_submissions"


def pdf(title: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 "Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


RETRIES = 3


class Client:
    """One applicant's loop over one aiohttp session (asyncio: 20 clients cost the load
    generator a few percent of one core, leaving the two cores to the server)."""

    def __init__(self, base: str, token: str, org_id: int, opp_id: int, until: float,
                 report: bytes, justification: bytes, title: str):
        self.base, self.token, self.org_id, self.opp_id, self.until = base, token, org_id, opp_id, until
        self.report, self.justification, self.title = report, justification, title
        self.created: list[int] = []
        self.submitted: list[int] = []
        self.errors: list[str] = []
        self.latencies: list[float] = []

    async def _send(self, session, path: str, *, json_body=None, form=None, key: str | None = None):
        """POST with retries on network errors; the same Idempotency-Key makes a retry safe."""
        headers = {"Authorization": f"Token {self.token}"}
        if key:
            headers["Idempotency-Key"] = key
        for attempt in range(RETRIES):
            try:
                data = form() if form else None  # a FormData is consumed by one request
                async with session.post(self.base + path, json=json_body, data=data, headers=headers) as resp:
                    return resp.status, await resp.text()
            except aiohttp.ClientError:
                if attempt == RETRIES - 1:
                    raise
                await asyncio.sleep(0.2)

    def _upload_form(self, kind: str, name: str, content: bytes):
        def build():
            form = aiohttp.FormData()
            form.add_field("kind", kind)
            form.add_field("file", content, filename=name, content_type="application/pdf")
            return form
        return build

    async def run(self, session, rounds: int | None = None) -> None:
        n = 0
        while (n < rounds) if rounds is not None else (time.monotonic() < self.until):
            n += 1
            t0 = time.perf_counter()
            status, text = await self._send(session, "/api/v1/applications/", key=str(uuid.uuid4()), json_body={
                "opportunity": self.opp_id, "organization": self.org_id, "project": self.org_id,
                "title": f"{self.title} {self.org_id}-{n}", "instrument": "grant",
                "federal_amount_requested": "1000000.00", "cost_share_amount": "1000000.00",
                "period_start": "2027-01-01", "period_end": "2029-12-31", "summary": "Burst.",
                "budget": {"equipment": "1500000.00", "construction": "500000.00"},
            })
            if status != 201:
                self.errors.append(f"create {status} {text[:200]}")
                continue
            app_id = json.loads(text)["id"]
            self.created.append(app_id)
            for kind, name, content in (("technical_report", "report.pdf", self.report),
                                        ("budget_justification", "budget.pdf", self.justification)):
                status, text = await self._send(session, f"/api/v1/applications/{app_id}/documents/",
                                                form=self._upload_form(kind, name, content))
                if status != 201:
                    self.errors.append(f"upload {status} {text[:200]}")
                    break
            else:
                status, text = await self._send(session, f"/api/v1/applications/{app_id}/transitions/submit/",
                                                json_body={"comment": ""}, key=str(uuid.uuid4()))
                if status != 200:
                    self.errors.append(f"submit {status} {text[:300]}")
                    continue
                self.submitted.append(app_id)
                self.latencies.append(time.perf_counter() - t0)


async def _drive(clients: list[Client], warm_up: list[Client], seconds: float) -> float:
    connector = aiohttp.TCPConnector(limit=len(clients))
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        # Not timed: each worker's first requests import and compile what they use (seconds).
        await asyncio.gather(*(c.run(session, rounds=2) for c in warm_up))
        started = time.perf_counter()
        for c in clients:
            c.until = time.monotonic() + seconds
        await asyncio.gather(*(c.run(session) for c in clients))
        return time.perf_counter() - started


def burst(target: str, app: str, env: dict, aors, tokens: dict, *, seconds: float, workers: int,
          report: bytes, justification: bytes) -> dict:
    """Serve ``app`` and run one client per organization for ``seconds``; then compare the
    database with what the clients saw."""
    from django.db.models import Count

    from applications.models import Application

    title = f"Burst {target} application"
    with benchdb.gunicorn(app, env, workers=workers) as base:
        def client(m, label):
            return Client(base, tokens[m.organization_id], m.organization_id, 1, 0.0, report, justification, label)

        clients = [client(m, title) for m in aors]
        warm_up = [client(m, f"Warm-up {target} application") for m in aors[:workers * 2]]
        wall = asyncio.run(_drive(clients, warm_up, seconds))
    for c in warm_up:
        if c.errors:
            print("  warm-up error:", c.errors[0])
    created = [i for c in clients for i in c.created]
    submitted = [i for c in clients for i in c.submitted]
    errors = [e for c in clients for e in c.errors]
    stored = Application.objects.filter(title__startswith=title + " ")
    stored_ids = sorted(stored.values_list("id", flat=True))
    submitted_in_db = set(stored.filter(status="submitted").values_list("id", flat=True))
    doc_counts = stored.filter(pk__in=submitted).annotate(n=Count("documents")).values_list("n", flat=True)
    exactly_once = (stored_ids == sorted(created) and submitted_in_db == set(submitted)
                    and all(n == 2 for n in doc_counts))
    latencies = sorted(x for c in clients for x in c.latencies)
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else float("nan")
    rate = len(submitted) / wall
    print(f"{target:5s}: {len(submitted)} submissions in {wall:.1f} s = {rate:.1f}/s "
          f"(p50 {p50:.0f} ms for create + 2 uploads + submit); errors: {len(errors)}; exactly once: "
          f"{exactly_once} (created {len(created)}, stored {len(stored_ids)}, submitted {len(submitted)}, "
          f"submitted in the database {len(submitted_in_db)})")
    for e in errors[:5]:
        print("  error:", e)
    return {"rate": rate, "exactly_once": exactly_once, "errors": len(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--target", choices=("all", "both", "app", "floor", "django"), default="all",
                        help="the app, its floor (bench/floor_submissions.py), the framework floor "
                             "(bench/floor_django.py), both floor and app, or all three (floors first)")
    parser.add_argument("--bare-middleware", action="store_true",
                        help="the framework floor without any middleware (DRF and knox only)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    clients = args.clients or (4 if args.smoke else 20)
    seconds = args.seconds or (5 if args.smoke else 30)

    benchdb.recreate_database(DB)
    benchdb.setup_django(DB)
    benchdb.migrate()
    seed_applications.seed(clients)  # one organization, AOR and project per client
    from accounts.models import Membership

    aors = list(Membership.objects.select_related("user").order_by("organization_id")[:clients])
    tokens = {m.organization_id: benchdb.api_token(m.user) for m in aors}
    report, justification = pdf("Technical report"), pdf("Budget justification")
    media = tempfile.mkdtemp(prefix="dpa_bench_media_")
    env = benchdb.production_env(DB, MEDIA_ROOT=media, FLOOR_MEDIA_ROOT=media)
    print(f"{clients} clients (asyncio, aiohttp), {seconds:g} s each, gunicorn {args.workers} sync workers, "
          "production settings")
    results = {}
    try:
        targets = {"floor": "bench.floor_submissions:application", "django": "dpa_funding.wsgi:application",
                   "app": "dpa_funding.wsgi:application"}
        django_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor_django",
                      "FLOOR_DJANGO_BARE_MIDDLEWARE": "1" if args.bare_middleware else "0"}
        chosen = {"all": ("floor", "django", "app"), "both": ("floor", "app")}.get(args.target, (args.target,))
        for target in chosen:
            results[target] = burst(target, targets[target], django_env if target == "django" else env, aors,
                                    tokens, seconds=seconds, workers=args.workers, report=report,
                                    justification=justification)
        for num, den in (("app", "floor"), ("django", "floor"), ("app", "django")):
            if num in results and den in results:
                print(f"{num}/{den}: {results[num]['rate'] / results[den]['rate']:.2f} "
                      f"({results[num]['rate']:.1f}/s against {results[den]['rate']:.1f}/s)")
        if not all(r["exactly_once"] for r in results.values()):
            sys.exit(1)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(media, ignore_errors=True)
        if not args.keep:
            benchdb.drop_database(DB)


if __name__ == "__main__":
    main()
