"""manage.py load_demo: demo accounts, an open opportunity, historical awards, demo applications.

Safe to run again: a second run creates nothing and leaves existing accounts untouched.
The password of new demo accounts is DEMO_PASSWORD from the environment, else the
built-in demo password, which is refused when DEBUG is off (a known password on a
superuser must never reach a real deployment by accident) unless
--allow-default-password is given.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from applications.demo import DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET, OPEN_NUMBER, load_demo
from dpa_funding.errors import ValidationFailed


class Command(BaseCommand):
    help = "Load demo users, an open funding opportunity, imported historical awards and demo applications."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-default-password", action="store_true",
            help="Use the built-in demo password even with DEBUG off (never on a real deployment).",
        )

    def handle(self, *args, allow_default_password: bool = False, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        if password == DEFAULT_PASSWORD and not settings.DEBUG and not allow_default_password:
            raise CommandError(
                "DEBUG is off: set DEMO_PASSWORD (12+ characters) or pass --allow-default-password."
            )
        try:
            totp_secret = os.environ.get("DEMO_TOTP_SECRET") or DEFAULT_TOTP_SECRET
            result = load_demo(password=password, totp_secret=totp_secret)
        except ValidationFailed as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.errors.items())
            raise CommandError(f"Demo data not loaded (nothing was saved). {problems}") from None

        out = self.stdout
        if result.created_anything:
            out.write(self.style.SUCCESS("Demo data loaded."))
        else:
            out.write(self.style.WARNING("Demo data was already loaded; nothing new was created."))
        kinds = sorted(set(result.created) | set(result.existing))
        for kind in kinds:
            out.write(f"  {kind:<24} created {result.created.get(kind, 0):>3}, "
                      f"already present {result.existing.get(kind, 0):>3}")
        out.write(f"Historical CSV rows imported as awarded applications: {result.imported_rows}")
        for line in result.skipped_rows:
            out.write(f"  skipped {line}")
        for line in result.undated_awards:
            out.write(f"  awarded without an Award record: {line}")
        out.write(f"Open opportunity: {OPEN_NUMBER} (demo_applicant has a draft ready to submit).")
        out.write("Demo accounts (username / role / password):")
        for username, role, password_note in result.accounts:
            out.write(f"  {username:<16} {role:<16} {password_note}")
        out.write("Staff accounts (reviewers, officer, admin) also ask for a code from an authenticator "
                  f"app after the password. Demo TOTP secret (base32, SHA-1, 6 digits, 30 s): {totp_secret}")
        for uri in result.totp_uris:
            out.write(f"  enrol: {uri}")
