"""python manage.py backup [--output DIR]: database dump + media tar + sha256 manifest."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the media files, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="A new directory to write (default: "
                            "backups/<UTC timestamp> under the current directory).")

    def handle(self, *args, **options):
        target = Path(options["output"] or
                      Path("backups") / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
        if target.exists():
            raise CommandError(f"{target} exists; give a new directory.")
        try:
            manifest = backup.backup(database=backup.default_database(),
                                     media_root=Path(settings.MEDIA_ROOT), target=target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Backed up database {manifest['database']} and {len(manifest['media'])} media "
            f"files to {target}"))
