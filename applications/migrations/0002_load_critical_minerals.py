"""Load the critical-minerals reference list shipped in applications/data/.

USGS 2022 and 2025 lists plus the minerals EO 14241 names explicitly. Re-running is safe
(update_or_create by name); administrators add later designations in the admin.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "critical_minerals.csv"


def load(apps, schema_editor):
    Mineral = apps.get_model("applications", "Mineral")
    with DATA.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Mineral.objects.update_or_create(
                name=row["name"].strip(),
                defaults={
                    "symbol": row["symbol"].strip(),
                    "group": row["group"].strip(),
                    "usgs_2022": row["usgs_2022"].strip() == "1",
                    "usgs_2025": row["usgs_2025"].strip() == "1",
                    "eo_14241_named": row["eo_14241_named"].strip() == "1",
                },
            )


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
