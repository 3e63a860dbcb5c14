"""manage.py enrol_totp USERNAME [--totp-secret BASE32]: give an existing account a new
authenticator secret and recovery codes (a lost device, or staff made in the admin)."""

from django.core.management.base import BaseCommand, CommandError

from accounts import mfa
from accounts.management.commands.create_user import print_enrolment
from accounts.models import User
from dpa_funding.errors import ValidationFailed


class Command(BaseCommand):
    help = "Enrol (or replace) an account's TOTP second factor and print it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--totp-secret", default=None)

    def handle(self, *args, username, totp_secret, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user named '{username}'.")
        try:
            device, codes = mfa.enrol(user, secret=totp_secret, actor=None)
        except ValidationFailed as exc:
            raise CommandError(" ".join(exc.errors.get("totp_secret", []))) from None
        print_enrolment(self.stdout, user, device, codes)
