"""Reference data shipped with the package: the critical-minerals list (applications/data/)."""

import csv
from pathlib import Path

CRITICAL_MINERALS_CSV = Path(__file__).resolve().parent / "data" / "critical_minerals.csv"


def critical_mineral_rows() -> list[dict]:
    with CRITICAL_MINERALS_CSV.open(newline="", encoding="utf-8") as fh:
        return [
            {
                "name": row["name"].strip(),
                "symbol": row["symbol"].strip(),
                "group": row["group"].strip(),
                "usgs_2022": row["usgs_2022"].strip() == "1",
                "usgs_2025": row["usgs_2025"].strip() == "1",
                "eo_14241_named": row["eo_14241_named"].strip() == "1",
            }
            for row in csv.DictReader(fh)
        ]


def ensure_critical_minerals(mineral_model) -> int:
    """Create any listed mineral that is missing; never overwrite an administrator's edits.

    Runs from the data migration and after every migrate/flush (post_migrate), so a database
    emptied by a flush (as transactional tests do) gets its reference list back.
    """
    existing = set(mineral_model.objects.values_list("name", flat=True))
    missing = [mineral_model(**row) for row in critical_mineral_rows() if row["name"] not in existing]
    mineral_model.objects.bulk_create(missing)
    return len(missing)
