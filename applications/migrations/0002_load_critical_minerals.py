"""Load the critical-minerals reference list shipped in applications/data/.

USGS 2022 and 2025 lists plus the minerals EO 14241 names explicitly. Administrators add
later designations in the admin; re-running never overwrites them.
"""

from django.db import migrations


def load(apps, schema_editor):
    from applications.reference import ensure_critical_minerals

    ensure_critical_minerals(apps.get_model("applications", "Mineral"))


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
