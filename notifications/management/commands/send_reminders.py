"""Run one reminder sweep now and print each reminder sent (tab-separated)."""

from django.core.management.base import BaseCommand

from notifications.services import reminders_sweep


class Command(BaseCommand):
    help = "Run one deadline-reminder sweep and print what it sent: kind, object, recipient, offset."

    def handle(self, *args, **options):
        sent = reminders_sweep()
        for item in sent:
            self.stdout.write(str(item))
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminder(s) sent."))
