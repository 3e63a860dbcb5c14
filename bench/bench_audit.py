"""Benchmark: what the audit log adds to each workflow transition.

    .venv/bin/python bench/bench_audit.py            # 400 transitions each way
    .venv/bin/python bench/bench_audit.py --smoke    # 40, for CI

Uses its own PostgreSQL database (default ``dpa_bench_audit``; dropped afterwards unless
``--keep``). Times ``application_transition(start_screening)`` on submitted applications
with auditing on (transition event, field-diff event, pre-save read, chain lock) and with
the audit hooks detached, alternating in batches so both see the same table sizes, then a
bare ``audit_event`` append. Prints medians and the difference; never asserts times.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpa_funding.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dpa_bench_audit")

from bench_ranking import drop_database, ensure_database  # noqa: E402


def setup_apps(n: int):
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from accounts.choices import Role
    from accounts.models import Organization, User
    from applications.choices import ApplicationStatus
    from applications.models import Application, FundingOpportunity, Project

    now = timezone.now()
    tag = str(int(time.time() * 1000))
    officer = User.objects.create(username=f"bench_officer_{tag}", role=Role.PROGRAM_OFFICER)
    opp = FundingOpportunity.objects.create(
        number=f"BENCH-A-{tag}", title="Audit benchmark", instruments=["grant"],
        opens_at=now - dt.timedelta(days=60), closes_at=now + dt.timedelta(days=30),
        budget_ceiling=Decimal("1000000000"), max_award=Decimal("50000000"),
    )
    org = Organization.objects.create(
        legal_name="Bench Minerals", uei=f"B{tag[-11:]}".replace("0", "A").replace("O", "P"), ein="123456789",
        naics_code="212290", address_line1="1 Main", city="Reno", state="NV", postal_code="89501",
        congressional_district="NV-02",
    )
    project = Project.objects.create(organization=org, name="Bench", facility_type="mine",
                                     stage="feasibility", state="NV")
    Application.objects.bulk_create([
        Application(opportunity=opp, organization=org, project=project, title=f"Bench {i}",
                    instrument="grant", federal_amount_requested=Decimal("1000000"),
                    status=ApplicationStatus.SUBMITTED, submitted_at=now)
        for i in range(n)
    ])
    return officer, list(Application.objects.filter(opportunity=opp).values_list("pk", flat=True))


class AuditDetached:
    """Detach the audit hooks from applications (signals and log_transition's event)."""

    def __enter__(self):
        from django.db.models.signals import post_save, pre_save

        import audit.services
        from applications.models import Application

        self.uid = "audit:applications.application"
        self.original = audit.services.audit_event
        audit.services.audit_event = lambda **kwargs: None
        pre_save.disconnect(sender=Application, dispatch_uid=self.uid)
        post_save.disconnect(sender=Application, dispatch_uid=self.uid)
        return self

    def __exit__(self, *exc):
        from django.db.models.signals import post_save, pre_save

        import audit.services
        from applications.models import Application
        from audit import registry

        audit.services.audit_event = self.original
        pre_save.connect(registry._pre_save, sender=Application, dispatch_uid=self.uid)
        post_save.connect(registry._post_save, sender=Application, dispatch_uid=self.uid)


def time_transitions(officer, ids) -> list[float]:
    from applications.services import application_transition

    times = []
    for pk in ids:
        start = time.perf_counter()
        application_transition(application_id=pk, name="start_screening", actor=officer)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="40 transitions each way (CI)")
    parser.add_argument("--n", type=int, default=400, help="transitions per mode")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    n = 40 if args.smoke else args.n
    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from audit.models import AuditEvent
        from audit.services import audit_event

        call_command("migrate", verbosity=0)
        officer, ids = setup_apps(2 * n)
        on, off = [], []
        batch = 20
        for start in range(0, n, batch):  # alternate so both modes see the same table sizes
            on += time_transitions(officer, ids[2 * start:2 * start + batch])
            with AuditDetached():
                off += time_transitions(officer, ids[2 * start + batch:2 * start + 2 * batch])
        appends = []
        for i in range(n):
            start = time.perf_counter()
            with transaction.atomic():
                audit_event(object_type="bench.thing", object_id=i, action="update", actor=None,
                            changes={"before": {"x": i}, "after": {"x": i + 1}})
            appends.append(time.perf_counter() - start)
        med_on, med_off = statistics.median(on), statistics.median(off)
        print(f"transitions per mode: {len(on)} (PostgreSQL {connection.pg_version})")
        print(f"median transition with audit:    {med_on * 1000:.2f} ms")
        print(f"median transition without audit: {med_off * 1000:.2f} ms")
        print(f"audit overhead per transition:   {(med_on - med_off) * 1000:.2f} ms "
              f"({(med_on / med_off - 1) * 100:.0f}%)")
        print(f"median bare audit_event append:  {statistics.median(appends) * 1000:.2f} ms "
              f"(events in table: {AuditEvent.objects.count()})")
        connection.close()
    finally:
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
