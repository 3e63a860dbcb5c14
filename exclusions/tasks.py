"""Celery entry points for SAM exclusions: thin and idempotent.

Beat (dpa_funding/settings/base.py): ``exclusions.tasks.import_sam_folder`` every
``SAM_IMPORT_SECONDS`` imports the extracts in ``SAM_EXCLUSIONS_FOLDER`` not imported yet.
Overlapping runs are safe: imports take an advisory lock and a file's sha256 is imported once.
"""

from celery import shared_task
from django.conf import settings


@shared_task(name="exclusions.tasks.import_sam_folder", ignore_result=True)
def import_sam_folder() -> dict:
    from .importer import import_folder

    folder = settings.SAM_EXCLUSIONS_FOLDER
    if not folder:
        return {"imported": 0, "folder": ""}
    results = import_folder(folder)
    return {"imported": len(results), "rows": [r.extract.rows for r in results], "folder": folder}
