"""manage.py import_sam_exclusions FILE: load a SAM.gov Exclusions Public Extract (CSV or ZIP)."""

from django.core.management.base import BaseCommand, CommandError

from exclusions.importer import ExtractError, import_extract


class Command(BaseCommand):
    help = ("Import a SAM.gov Exclusions Public Extract (CSV, or the ZIP SAM.gov serves). "
            "Columns are matched by header name; a file already imported (same sha256) is skipped.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            result = import_extract(options["file"])
        except (ExtractError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        extract = result.extract
        if not result.created:
            self.stdout.write(f"Already imported: {extract.file_name} (sha256 {extract.sha256[:12]}..., "
                              f"{extract.rows} rows, {extract.imported_at:%Y-%m-%d %H:%M %Z}).")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Imported {extract.rows} exclusion records from {extract.file_name} in "
            f"{result.seconds:.1f} s (sha256 {extract.sha256[:12]}...)."))
