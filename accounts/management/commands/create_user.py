"""manage.py create_user USERNAME --role ROLE --email EMAIL --password PASSWORD (non-interactive)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.choices import Role
from accounts.services import user_create
from dpa_funding import policy
from dpa_funding.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create a user with a role (staff accounts: reviewer, program_officer, admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--award-authority", action="store_true",
                            help="Program officers only: may sign awards.")
        parser.add_argument("--job-title", default="")

    def handle(self, *args, username, role, email, password, award_authority, job_title, **options):
        if award_authority and not policy.award_authority_allowed(role):
            raise CommandError("--award-authority applies to program officers only.")
        try:
            user = user_create(username=username, email=email, password=password, role=role,
                               award_authority=award_authority, job_title=job_title)
        except ValidationFailed as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.errors.items())
            raise CommandError(f"User not created. {problems}") from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.role} '{user.username}'."))
