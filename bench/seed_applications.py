"""Seed a benchmark database with N applications quickly (PostgreSQL COPY).

    .venv/bin/python bench/seed_applications.py --applications 100000 [--database dpa_bench_lists]

Rows are built as Django model instances, so every column gets the model's own default
(a column another change adds comes along without touching this file), then streamed with
``COPY ... FROM STDIN`` in one transaction per table. Returns (and prints) the ids a load
test needs: the officer, the opportunities, and one AOR per organization.
"""

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402

STATUS_WEIGHTS = {
    "draft": 20, "submitted": 15, "screening": 10, "under_review": 15, "reviewed": 10,
    "selected": 5, "negotiation": 5, "declined": 10, "withdrawn": 5, "ineligible": 5,
}
UEI_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # no I or O


def _uei(n: int) -> str:
    digits = []
    for _ in range(11):
        n, r = divmod(n, len(UEI_ALPHABET))
        digits.append(UEI_ALPHABET[r])
    return "A" + "".join(reversed(digits))


def copy_instances(model, instances: list, *, cursor) -> None:
    """COPY model instances into the model's table, every concrete column included."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in instances:
            copy.write_row([f.get_db_prep_save(_value(f, obj), connection) for f in fields])


def _value(field, obj):
    # Timestamps given explicitly (seeded history) win over auto_now/auto_now_add.
    explicit = getattr(obj, field.attname, None)
    if explicit is not None and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
        return explicit
    return field.pre_save(obj, add=True)


def reset_sequence(model, *, cursor) -> None:
    table = model._meta.db_table
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"
    )


def seed(n_apps: int, *, seed_value: int = 7) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Membership, Organization, User
    from applications.models import Application, FundingOpportunity, Mineral, Project

    rng = random.Random(seed_value)
    now = timezone.now()
    n_orgs = max(10, n_apps // 50)
    n_opps = 10
    minerals = list(Mineral.objects.values_list("id", flat=True))
    states = ["AK", "AZ", "CA", "ID", "MN", "MT", "NV", "TX", "UT", "WY"]
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    password = make_password("bench-password-not-for-sign-in")

    officer = User.objects.create(username="bench_officer", role="program_officer", award_authority=True,
                                  email="officer@bench.example.gov", password=password)
    with transaction.atomic(), connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg cursor, for COPY
        base_user = User.objects.order_by("-id").values_list("id", flat=True).first() + 1
        users = [User(id=base_user + i, username=f"bench_aor_{i}", email=f"aor{i}@bench.example.com",
                      password=password, role="applicant", date_joined=now) for i in range(n_orgs)]
        copy_instances(User, users, cursor=cur)
        orgs = [Organization(id=i + 1, legal_name=f"Bench Minerals {i} LLC", uei=_uei(10_000 + i),
                             ein=f"{10_000_000 + i:09d}", naics_code="212290", address_line1="1 Mine Rd",
                             city="Elko", state=states[i % len(states)], postal_code="89801",
                             congressional_district="NV-02" if states[i % len(states)] == "NV" else "")
                for i in range(n_orgs)]
        copy_instances(Organization, orgs, cursor=cur)
        copy_instances(Membership, [Membership(id=i + 1, organization_id=i + 1, user_id=base_user + i,
                                               role="authorized_representative") for i in range(n_orgs)],
                       cursor=cur)
        projects = [Project(id=i + 1, organization_id=i + 1, name=f"Bench project {i}", facility_type="mine",
                            stage="feasibility", state=states[i % len(states)], county="Elko")
                    for i in range(n_orgs)]
        copy_instances(Project, projects, cursor=cur)
        through = Project.minerals.through
        links, link_id = [], 1
        for p in projects:
            for m in rng.sample(minerals, k=min(2, len(minerals))):
                links.append(through(id=link_id, project_id=p.id, mineral_id=m))
                link_id += 1
        copy_instances(through, links, cursor=cur)
        opps = [FundingOpportunity(id=i + 1, number=f"BENCH-26-S-{i:04d}", title=f"Bench opportunity {i}",
                                   instruments=["grant", "loan"], opens_at=now - dt.timedelta(days=90),
                                   closes_at=now + dt.timedelta(days=90), budget_ceiling=Decimal("5000000000"),
                                   max_award=Decimal("100000000"), created_by_id=officer.id)
                for i in range(n_opps)]
        copy_instances(FundingOpportunity, opps, cursor=cur)
        opp_officers = FundingOpportunity.program_officers.through
        copy_instances(opp_officers, [opp_officers(id=i + 1, fundingopportunity_id=i + 1, user_id=officer.id)
                                      for i in range(n_opps)], cursor=cur)

        apps = []
        for i in range(n_apps):
            org = i % n_orgs
            status = rng.choices(statuses, weights)[0]
            federal = Decimal(rng.randrange(100_000, 90_000_000)).quantize(Decimal("1.00"))
            share = (federal * Decimal("0.5")).quantize(Decimal("1.00"))
            created = now - dt.timedelta(minutes=n_apps - i)
            apps.append(Application(
                id=i + 1, opportunity_id=(i % n_opps) + 1, organization_id=org + 1, project_id=org + 1,
                title=f"Bench application {i}", instrument="grant", federal_amount_requested=federal,
                cost_share_amount=share, period_start=dt.date(2027, 1, 1), period_end=dt.date(2029, 12, 31),
                summary="Domestic processing capacity for a critical mineral.", budget_equipment=federal,
                budget_construction=share, status=status, created_by_id=base_user + org,
                submitted_at=None if status == "draft" else created + dt.timedelta(minutes=1),
                created_at=created, updated_at=created,
            ))
        copy_instances(Application, apps, cursor=cur)
        for model in (User, Organization, Membership, Project, through, FundingOpportunity, opp_officers,
                      Application):
            reset_sequence(model, cursor=cur)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return {"officer_id": officer.id, "opportunity_ids": [o.id for o in opps], "n_orgs": n_orgs,
            "first_aor_id": base_user}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--database", default="dpa_bench_lists")
    args = parser.parse_args()
    benchdb.recreate_database(args.database)
    benchdb.setup_django(args.database)
    t0 = time.perf_counter()
    benchdb.migrate()
    t1 = time.perf_counter()
    info = seed(args.applications)
    t2 = time.perf_counter()
    print(f"migrate {t1 - t0:.1f} s; seeded {args.applications:,} applications "
          f"({info['n_orgs']:,} organizations) in {t2 - t1:.1f} s into {args.database}")


if __name__ == "__main__":
    main()
