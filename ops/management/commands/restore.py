"""python manage.py restore DIR: into an EMPTY database and an empty MEDIA_ROOT."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = ("Restore a backup written by `manage.py backup` into the configured database, which "
            "must be empty (no tables), and MEDIA_ROOT, which must be empty. The manifest is "
            "checked before anything is changed and every media file after.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup directory.")

    def handle(self, *args, **options):
        source = Path(options["source"])
        try:
            manifest = backup.restore(source=source, database=backup.default_database(),
                                      media_root=Path(settings.MEDIA_ROOT))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored database {manifest['database']} (backed up {manifest['created_at']}) and "
            f"{len(manifest['media'])} media files, every one matching its sha256."))
