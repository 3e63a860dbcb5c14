"""Benchmark: a deadline-day burst of submissions, and the exactly-once check.

    .venv/bin/python bench/bench_submissions.py            # 20 clients for 30 s
    .venv/bin/python bench/bench_submissions.py --smoke    # 4 clients for 5 s, for CI

Each client is the authorized representative of its own organization and repeats the
applicant's whole submission over HTTP: create the application (with an Idempotency-Key),
upload a technical report and a budget justification (real PDFs), and fire ``submit``
(with an Idempotency-Key). The server is gunicorn with 2 sync workers under production
settings on its own database (``dpa_bench_submissions``, dropped afterwards unless
``--keep``). A request that fails on the network is retried with the same key.

Afterwards the database is compared with what the clients saw: every accepted create is
stored exactly once, and every accepted submit left its application submitted with both
documents. Figures are printed, never asserted; a mismatch exits non-zero.
"""

import argparse
import io
import json
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

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


def with_retries(call, attempts: int = 3):
    for attempt in range(attempts):
        try:
            return call()
        except OSError:  # connection reset under load: the same Idempotency-Key makes it safe
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)


class Client(threading.Thread):
    def __init__(self, base: str, token: str, org_id: int, project_id: int, opp_id: int, until: float,
                 report: bytes, justification: bytes):
        super().__init__()
        self.base, self.token, self.until = base, token, until
        self.org_id, self.project_id, self.opp_id = org_id, project_id, opp_id
        self.report, self.justification = report, justification
        self.created: list[int] = []
        self.submitted: list[int] = []
        self.errors: list[str] = []
        self.latencies: list[float] = []

    def _post_json(self, path: str, payload: dict, key: str) -> tuple[int, dict]:
        return with_retries(lambda: benchdb.http_json("POST", self.base + path, payload, token=self.token,
                                                      headers={"Idempotency-Key": key}))

    def run(self) -> None:
        n = 0
        while time.monotonic() < self.until:
            n += 1
            t0 = time.perf_counter()
            status, body = self._post_json("/api/v1/applications/", {
                "opportunity": self.opp_id, "organization": self.org_id, "project": self.project_id,
                "title": f"Burst application {self.org_id}-{n}", "instrument": "grant",
                "federal_amount_requested": "1000000.00", "cost_share_amount": "1000000.00",
                "period_start": "2027-01-01", "period_end": "2029-12-31", "summary": "Burst.",
                "budget": {"equipment": "1500000.00", "construction": "500000.00"},
            }, key=str(uuid.uuid4()))
            if status != 201:
                self.errors.append(f"create {status} {json.dumps(body)[:200]}")
                continue
            app_id = body["id"]
            self.created.append(app_id)
            ok = True
            for kind, name, content in (("technical_report", "report.pdf", self.report),
                                        ("budget_justification", "budget.pdf", self.justification)):
                payload, ctype = multipart({"kind": kind}, name, content)
                url = f"{self.base}/api/v1/applications/{app_id}/documents/"
                status, raw = with_retries(lambda url=url, payload=payload, ctype=ctype: benchdb.http(
                    "POST", url, token=self.token, body=payload, content_type=ctype))
                if status != 201:
                    self.errors.append(f"upload {status} {raw[:200]!r}")
                    ok = False
                    break
            if not ok:
                continue
            status, body = self._post_json(f"/api/v1/applications/{app_id}/transitions/submit/",
                                           {"comment": ""}, key=str(uuid.uuid4()))
            if status != 200:
                self.errors.append(f"submit {status} {json.dumps(body)[:300]}")
                continue
            self.submitted.append(app_id)
            self.latencies.append(time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    clients = args.clients or (4 if args.smoke else 20)
    seconds = args.seconds or (5 if args.smoke else 30)

    benchdb.recreate_database(DB)
    benchdb.setup_django(DB)
    benchdb.migrate()
    seed_applications.seed(clients)  # one organization, AOR and project per client
    from django.db.models import Count

    from accounts.models import Membership
    from applications.models import Application

    aors = list(Membership.objects.select_related("user").order_by("organization_id")[:clients])
    tokens = {m.organization_id: benchdb.api_token(m.user) for m in aors}
    report, justification = pdf("Technical report"), pdf("Budget justification")
    env = benchdb.production_env(DB)
    try:
        with benchdb.gunicorn("dpa_funding.wsgi:application", env, workers=args.workers) as base:
            until = time.monotonic() + seconds
            threads = [Client(base, tokens[m.organization_id], m.organization_id, m.organization_id, 1, until,
                              report, justification) for m in aors]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started

        created = [i for t in threads for i in t.created]
        submitted = [i for t in threads for i in t.submitted]
        errors = [e for t in threads for e in t.errors]
        stored = Application.objects.filter(title__startswith="Burst application")
        stored_ids = sorted(stored.values_list("id", flat=True))
        submitted_in_db = set(stored.filter(status="submitted").values_list("id", flat=True))
        doc_counts = stored.filter(pk__in=submitted).annotate(n=Count("documents")).values_list("n", flat=True)
        exactly_once = (stored_ids == sorted(created) and submitted_in_db == set(submitted)
                        and all(n == 2 for n in doc_counts))
        latencies = sorted(x for t in threads for x in t.latencies)
        p50 = latencies[len(latencies) // 2] * 1000 if latencies else float("nan")
        print(f"{clients} clients, {seconds:g} s, gunicorn {args.workers} sync workers, production settings")
        print(f"submissions completed: {len(submitted)} in {wall:.1f} s = {len(submitted) / wall:.1f}/s "
              f"(p50 {p50:.0f} ms for create + 2 uploads + submit); errors: {len(errors)}")
        print(f"exactly once: {exactly_once} (created {len(created)}, stored {len(stored_ids)}, "
              f"submitted {len(submitted)}, submitted in the database {len(submitted_in_db)})")
        for e in errors[:5]:
            print("  error:", e)
        if not exactly_once:
            sys.exit(1)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            benchdb.drop_database(DB)


if __name__ == "__main__":
    main()
