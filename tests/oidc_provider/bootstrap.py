"""python -m tests.oidc_provider.bootstrap CLIENT_ID REDIRECT_URI USERS_JSON: migrate the
provider's database, register the relying party (a public PKCE client) and its users."""

import json
import os
import sys

import django


def main(client_id: str, redirect_uri: str, users_json: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    Application.objects.create(
        name="DPA Title III (test)", client_id=client_id, client_secret="",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri, algorithm=Application.RS256_ALGORITHM, skip_authorization=True,
    )
    for user in json.loads(users_json):
        User.objects.create_user(user["username"], email=user["email"], password=user["password"])


if __name__ == "__main__":
    main(*sys.argv[1:4])
