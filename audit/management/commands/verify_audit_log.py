"""manage.py verify_audit_log: recompute the audit hash chain.

Exit 0 printing the number of events and the head hash (record it elsewhere: the chain
alone cannot show that the newest events were cut off), or exit 1 naming the first
broken event.
"""

from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit 1 naming the first broken event."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"Audit log broken at event {report.broken_at}: {report.reason}", returncode=1)
        self.stdout.write(f"Audit log intact: {report.count} events; head {report.head}")
