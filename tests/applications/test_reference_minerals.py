"""The critical-minerals reference list: loaded by migration, restored after a flush."""

import pytest
from django.core.management import call_command

from applications.models import Mineral
from applications.reference import ensure_critical_minerals

pytestmark = pytest.mark.django_db


def test_migration_loads_the_usgs_lists_and_eo_14241_additions():
    assert Mineral.objects.filter(usgs_2022=True).count() == 50
    assert Mineral.objects.filter(usgs_2025=True).count() == 60
    assert set(Mineral.objects.filter(eo_14241_named=True).values_list("name", flat=True)) == {
        "uranium", "copper", "potash", "gold",
    }


def test_restoring_the_list_keeps_administrator_edits_and_additions():
    Mineral.objects.filter(name="lithium").update(designation_note="edited by admin")
    Mineral.objects.filter(name="gallium").delete()
    Mineral.objects.create(name="helium", designation_note="NEDC Chair designation (test)")
    assert ensure_critical_minerals(Mineral) == 1  # only gallium comes back
    assert Mineral.objects.get(name="lithium").designation_note == "edited by admin"
    assert Mineral.objects.filter(name="helium").exists()


@pytest.mark.django_db(transaction=True)
def test_flush_then_post_migrate_brings_the_list_back():
    call_command("flush", interactive=False, verbosity=0)
    assert Mineral.objects.count() == 61
