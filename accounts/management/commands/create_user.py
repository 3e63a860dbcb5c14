"""manage.py create_user USERNAME --role ROLE --email EMAIL --password PASSWORD
[--award-authority] [--totp-secret BASE32] (non-interactive).

Staff accounts (reviewer, program_officer, admin) must sign in with a second factor: the
command enrols one (the given RFC 6238 secret, or a new one) and prints what the person
needs: the otpauth:// URI for their authenticator app, the secret, and recovery codes.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import mfa
from accounts.choices import Role
from accounts.services import user_create
from dpa_funding import policy
from dpa_funding.errors import ValidationFailed


def print_enrolment(out, user, device, codes) -> None:
    out.write(f"Second factor for '{user.username}' (TOTP, SHA-1, 6 digits, 30 s):")
    out.write(f"  otpauth URI: {device.config_url}")
    out.write(f"  secret (base32): {mfa.secret_base32(device)}")
    out.write(f"  recovery codes (each works once): {' '.join(codes)}")


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
        parser.add_argument("--totp-secret", default=None,
                            help="Enrol this RFC 6238 base32 secret as the second factor "
                                 "(scripted setups); staff get a new one otherwise.")

    def handle(self, *args, username, role, email, password, award_authority, job_title,
               totp_secret, **options):
        if award_authority and not policy.award_authority_allowed(role):
            raise CommandError("--award-authority applies to program officers only.")
        try:
            with transaction.atomic():
                user = user_create(username=username, email=email, password=password, role=role,
                                   award_authority=award_authority, job_title=job_title)
                enrolment = (mfa.enrol(user, secret=totp_secret, actor=None)
                             if totp_secret or mfa.staff_must_enrol(user) else None)
        except ValidationFailed as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.errors.items())
            raise CommandError(f"User not created. {problems}") from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.role} '{user.username}'."))
        if enrolment:
            print_enrolment(self.stdout, user, *enrolment)
