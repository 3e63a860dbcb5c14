"""manage.py import_sam_exclusions and the scheduled folder import (Public Extract layout)."""

import io
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from dpa_funding.celery import app as celery_app
from exclusions.importer import import_extract
from exclusions.models import SamExclusion, SamExtract
from exclusions.tasks import import_sam_folder

pytestmark = [pytest.mark.django_db, pytest.mark.no_sam_extract]

SAMPLE = Path(__file__).with_name("sam_exclusions_sample.csv")


def test_command_loads_the_sample_extract():
    out = io.StringIO()
    call_command("import_sam_exclusions", str(SAMPLE), stdout=out)
    assert "Imported 4 exclusion records" in out.getvalue()
    extract = SamExtract.objects.get()
    assert extract.rows == 4 and len(extract.sha256) == 64 and extract.imported_at
    firm = SamExclusion.objects.get(uei="XK3MEJ7Q2LN5")
    assert firm.name == "Example Debarred Smelting Co" and firm.excluding_agency == "DOD"
    assert firm.active_date == date(2025, 1, 15) and firm.termination_date is None  # "Indefinite"
    assert firm.record_status == "Active" and firm.normalized_name == "example debarred smelting"
    lapsed = SamExclusion.objects.get(uei="LM7QW2ER9TY4")
    assert lapsed.termination_date == date(2023, 2, 1) and lapsed.record_status == "Inactive"
    person = SamExclusion.objects.get(classification="Individual")
    assert person.display_name == "John Q Sample" and person.normalized_name == "john q sample"
    assert AuditEvent.objects.filter(object_type="exclusions.samextract", action="imported").count() == 1


def test_the_same_file_is_imported_once():
    call_command("import_sam_exclusions", str(SAMPLE), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_sam_exclusions", str(SAMPLE), stdout=out)
    assert "Already imported" in out.getvalue()
    assert SamExtract.objects.count() == 1 and SamExclusion.objects.count() == 4


def test_columns_are_matched_by_header_and_unknown_ones_ignored(tmp_path):
    # Reordered, without "Open Data Flag", with a column SAM might add one day.
    path = tmp_path / "reordered.csv"
    path.write_text(
        "Record Status,Unique Entity ID,Some Future Column,Name,Termination Date,Active Date,Classification\n"
        "Active,ab12cd34ef56,whatever,Reordered Mining Corp,Indefinite,01/02/2025,Firm\n", encoding="utf-8")
    result = import_extract(path)
    row = SamExclusion.objects.get(extract=result.extract)
    assert (row.uei, row.name, row.active_date) == ("AB12CD34EF56", "Reordered Mining Corp", date(2025, 1, 2))


def test_zip_files_as_sam_serves_them(tmp_path):
    path = tmp_path / "SAM_Exclusions_Public_Extract.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(SAMPLE, "SAM_Exclusions_Public_Extract_V2.csv")
    assert import_extract(path).extract.rows == 4


def test_a_file_that_is_not_an_extract_is_refused_and_nothing_is_kept(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Not a SAM Exclusions Public Extract"):
        call_command("import_sam_exclusions", str(path), stdout=io.StringIO())
    bad_date = tmp_path / "bad_date.csv"
    bad_date.write_text("Name,Unique Entity ID,Record Status,Active Date\nX,,Active,13/45/2025\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 2"):
        call_command("import_sam_exclusions", str(bad_date), stdout=io.StringIO())
    assert not SamExtract.objects.exists() and not SamExclusion.objects.exists()


def test_a_new_extract_supersedes_the_records_of_the_old_one(tmp_path):
    first = import_extract(SAMPLE).extract
    newer = tmp_path / "newer.csv"
    newer.write_text(SAMPLE.read_text(encoding="utf-8") + "Firm,Another Co,,,,,,,,,,,,USA,,Y,,Reciprocal,"
                     "DOD,,Ineligible,,01/01/2026,Indefinite,Active,,S4MR9ZZ9,,,01/01/2026\n", encoding="utf-8")
    second = import_extract(newer).extract
    first.refresh_from_db()
    assert not first.records_kept and not SamExclusion.objects.filter(extract=first).exists()
    assert SamExclusion.objects.filter(extract=second).count() == 5


def test_beat_imports_new_files_from_the_folder_once(tmp_path, settings):
    settings.SAM_EXCLUSIONS_FOLDER = str(tmp_path)
    assert import_sam_folder() == {"imported": 0, "rows": [], "folder": str(tmp_path)}
    (tmp_path / "week1.csv").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "notes.txt").write_text("ignored")
    assert import_sam_folder()["imported"] == 1
    assert import_sam_folder()["imported"] == 0  # idempotent: the sha256 was imported
    assert SamExtract.objects.get().source == "folder"
    settings.SAM_EXCLUSIONS_FOLDER = ""
    assert import_sam_folder()["imported"] == 0


def test_the_folder_job_is_on_the_beat_schedule(settings):
    celery_app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["exclusions-import-sam-folder"]
    assert entry["task"] == "exclusions.tasks.import_sam_folder" and entry["task"] in celery_app.tasks


def test_generated_rows_stream_through_copy(tmp_path):
    """The bench's generator at a small size: every row arrives (the full 150,000-row
    figure is in bench/bench_sam_import.py)."""
    from bench.bench_sam_import import write_extract

    path = tmp_path / "generated.csv"
    write_extract(path, rows=2_000)
    result = import_extract(path)
    assert result.extract.rows == 2_000 == SamExclusion.objects.count()
    assert os.path.getsize(path) > 100_000
