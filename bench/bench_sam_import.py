"""Benchmark: import of a SAM.gov Exclusions Public Extract of generated rows.

    .venv/bin/python bench/bench_sam_import.py            # 150,000 rows (a real extract's size)
    .venv/bin/python bench/bench_sam_import.py --smoke    # 5,000 rows, for CI

Uses its own PostgreSQL database (default ``dpa_bench_sam``; dropped afterwards unless
``--keep``). Writes a CSV in the Public Extract layout (the 30 columns of
``sam_exclusions_sample.csv``; about a third of the rows without a UEI, a tenth inactive,
some individuals), then times ``import_extract`` (stream, parse, COPY, supersede, audit)
and a re-import of the same file (the sha256 short-cut). Prints times; never asserts them.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "Classification", "Name", "Prefix", "First", "Middle", "Last", "Suffix", "Address 1", "Address 2",
    "Address 3", "Address 4", "City", "State / Province", "Country", "Zip Code", "Open Data Flag",
    "Unique Entity ID", "Exclusion Program", "Excluding Agency", "CT Code", "Exclusion Type",
    "Additional Comments", "Active Date", "Termination Date", "Record Status", "Cross-Reference",
    "SAM Number", "CAGE", "NPI", "Creation_Date",
]
_UEI_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_WORDS = ["Basin", "Summit", "Granite", "Copper", "Ridge", "Valley", "Iron", "Silver", "Desert",
          "Prairie", "Harbor", "Pioneer", "Frontier", "Canyon", "Mesa", "Cobalt", "Delta", "Union"]
_KINDS = ["Mining", "Minerals", "Metals", "Logistics", "Engineering", "Supply", "Services", "Holdings"]


def write_extract(path: Path, *, rows: int, seed: int = 14) -> None:
    """A generated extract of ``rows`` records in the Public Extract layout."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            individual = rng.random() < 0.2
            uei = "" if rng.random() < 0.35 else (
                rng.choice(_UEI_CHARS[:-10]) + "".join(rng.choice(_UEI_CHARS) for _ in range(11)))
            inactive = rng.random() < 0.1
            year = rng.randint(2005, 2026)
            name = "" if individual else f"{rng.choice(_WORDS)} {rng.choice(_KINDS)} {i} LLC"
            writer.writerow([
                "Individual" if individual else "Firm", name, "", "Pat" if individual else "",
                "", f"Person{i}" if individual else "", "", f"{i} Main St", "", "", "", "Springfield",
                "IL", "USA", "62701", "Y", uei, "Reciprocal", rng.choice(["DOD", "EPA", "HHS", "DOI"]), "",
                "Ineligible (Proceedings Completed)", "Generated row.", f"01/15/{year}",
                f"01/15/{year + 3}" if inactive else "Indefinite", "Inactive" if inactive else "Active",
                "", f"S4MR{i:08d}", "", "", f"01/15/{year}",
            ])


def main() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpa_funding.settings.test")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dpa_bench_sam")
    from bench_ranking import drop_database, ensure_database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="5,000 rows (CI)")
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    rows = 5_000 if args.smoke else args.rows
    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from exclusions.importer import import_extract
        from exclusions.models import SamExclusion

        call_command("migrate", verbosity=0)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "SAM_Exclusions_Public_Extract_generated.csv"
            start = time.perf_counter()
            write_extract(path, rows=rows)
            generated = time.perf_counter() - start
            size_mb = path.stat().st_size / 1e6
            start = time.perf_counter()
            result = import_extract(path)
            elapsed = time.perf_counter() - start
            start = time.perf_counter()
            again = import_extract(path)
            repeat = time.perf_counter() - start
        loaded = SamExclusion.objects.filter(extract=result.extract).count()
        assert loaded == rows and not again.created, (loaded, rows)
        print(f"rows: {rows} ({size_mb:.1f} MB CSV, generated in {generated:.1f} s; "
              f"PostgreSQL {connection.pg_version})")
        print(f"import (stream + parse + COPY + commit): {elapsed:.2f} s "
              f"({rows / elapsed:,.0f} rows/s)")
        print(f"re-import of the same file (sha256 match, nothing loaded): {repeat:.2f} s")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)


if __name__ == "__main__":
    main()
