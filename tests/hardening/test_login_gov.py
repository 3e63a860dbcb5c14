"""Sign-in through login.gov (issue 10, item 9), against a real OpenID provider.

The provider is django-oauth-toolkit in its own Django project (tests/oidc_provider) and
its own process on a free loopback port. The test drives the real redirect flow: our
/oidc/authenticate/ redirects to the provider's authorize endpoint with state, nonce and a
PKCE challenge; a browser-like requests session signs in at the provider and follows the
redirect back; our callback exchanges the code (with the PKCE verifier) at the provider's
token endpoint, checks the ID token against its JWKS, and reads its userinfo endpoint.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.test import Client

from accounts.choices import Role
from accounts.models import User
from identity.models import ExternalIdentity
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

CLIENT_ID = "dpa-test-client"
CALLBACK = "http://testserver/oidc/callback/"
PASSWORD = "provider-password-123"
PROVIDER_USERS = [
    {"username": "alice", "email": "Alice.Miner@example.com"},
    {"username": "mallory", "email": "victim@example.com"},  # unverified at the provider
    {"username": "newbie", "email": "new.applicant@example.com"},
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """Start the OpenID provider in its own process; stop it after the module."""
    workdir = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
           "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
           "OIDC_PROVIDER_DB": str(workdir / "provider.sqlite3"),
           "OIDC_PROVIDER_RSA_KEY": pem, "OIDC_PROVIDER_UNVERIFIED": "mallory"}
    users = [{**user, "password": PASSWORD} for user in PROVIDER_USERS]
    root = Path(django_settings.BASE_DIR)
    subprocess.run([sys.executable, "-m", "tests.oidc_provider.bootstrap", CLIENT_ID, CALLBACK,
                    json.dumps(users)], cwd=root, env=env, check=True, timeout=120)
    log = (workdir / "provider.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}",
                                "--noreload", "--skip-checks"], cwd=root, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                discovery = requests.get(f"{base}/o/.well-known/openid-configuration", timeout=2)
                if discovery.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the OpenID provider did not start: {(workdir / 'provider.log').read_text()}")
            time.sleep(0.3)
        yield discovery.json()
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def login_gov(settings, provider):
    """Our settings pointed at the provider, as OIDC_* environment variables would."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = ""
    settings.OIDC_OP_ISSUER = provider["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = provider["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = provider["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = provider["jwks_uri"]
    return provider


def sign_in_at_provider(authorize_url: str, username: str) -> str:
    """What the person's browser does at login.gov: sign in, consent is pre-granted, and
    the provider redirects back to our callback. Returns that callback URL."""
    browser = requests.Session()
    parts = urlsplit(authorize_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    next_path = f"{parts.path}?{parts.query}"
    page = browser.get(f"{origin}/accounts/login/", params={"next": next_path}, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    signed_in = browser.post(f"{origin}/accounts/login/", timeout=10, allow_redirects=False, data={
        "csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": next_path})
    assert signed_in.status_code == 302, signed_in.text
    back = browser.get(f"{origin}{signed_in.headers['Location']}" if signed_in.headers["Location"].startswith("/")
                       else signed_in.headers["Location"], timeout=10, allow_redirects=False)
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def sign_in_with_login_gov(client: Client, username: str):
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    callback = sign_in_at_provider(start["Location"], username)
    assert callback.startswith(CALLBACK)
    parts = urlsplit(callback)
    return client.get(parts.path, parse_qs(parts.query) and dict(
        (key, values[0]) for key, values in parse_qs(parts.query).items()))


def signed_in_user(client: Client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_authorization_request_uses_pkce_state_and_nonce(login_gov):
    response = Client().get("/oidc/authenticate/")
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(login_gov["authorization_endpoint"])
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email"]


def test_a_verified_email_links_the_existing_account(login_gov):
    alice = UserFactory(username="alice_local", email="alice.miner@example.com", role=Role.APPLICANT)
    client = Client()
    response = sign_in_with_login_gov(client, "alice")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user(client) == alice
    identity = ExternalIdentity.objects.get(user=alice)
    assert identity.issuer == login_gov["issuer"] and identity.subject
    # The link holds by subject: a changed local email still signs the same person in.
    User.objects.filter(pk=alice.pk).update(email="alice@elsewhere.example")
    again = Client()
    sign_in_with_login_gov(again, "alice")
    assert signed_in_user(again) == alice
    assert User.objects.count() == 1


def test_an_unverified_email_neither_links_nor_creates(login_gov):
    victim = UserFactory(username="victim", email="victim@example.com", role=Role.PROGRAM_OFFICER)
    client = Client()
    response = sign_in_with_login_gov(client, "mallory")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    assert not ExternalIdentity.objects.exists()
    assert list(User.objects.all()) == [victim]


def test_a_new_verified_email_creates_an_applicant(login_gov):
    client = Client()
    sign_in_with_login_gov(client, "newbie")
    user = signed_in_user(client)
    assert user is not None and user.email == "new.applicant@example.com"
    assert user.role == Role.APPLICANT and not user.has_usable_password()
    assert re.fullmatch(r"[A-Za-z0-9._-]+", user.username)
    assert ExternalIdentity.objects.filter(user=user).count() == 1


def test_the_pkce_verifier_is_required_by_the_provider(login_gov):
    """The code alone is useless: with the session's verifier replaced, the provider
    refuses the exchange and nobody is signed in."""
    client = Client()
    start = client.get("/oidc/authenticate/")
    callback = sign_in_at_provider(start["Location"], "newbie")
    session = client.session
    for state in session["oidc_states"].values():
        state["code_verifier"] = "x" * 64
    session.save()
    parts = urlsplit(callback)
    response = client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_a_callback_cannot_be_replayed(login_gov):
    client = Client(raise_request_exception=False)
    start = client.get("/oidc/authenticate/")
    callback = urlsplit(sign_in_at_provider(start["Location"], "newbie"))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    assert client.get(callback.path, query).status_code == 302
    client.logout()
    assert client.get(callback.path, query).status_code in (302, 400)
    assert signed_in_user(client) is None


def test_disabled_without_configuration(settings, client):
    settings.OIDC_ENABLED = False
    assert client.get("/oidc/authenticate/").status_code == 404
    assert b"login.gov" not in client.get("/accounts/login/").content.lower()


def test_the_login_page_offers_login_gov_when_configured(login_gov, client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/oidc/authenticate/' in page and "Login.gov" in page


def test_an_id_token_from_another_issuer_is_refused(login_gov, settings):
    settings.OIDC_OP_ISSUER = "https://secure.login.gov/"
    client = Client()
    response = sign_in_with_login_gov(client, "newbie")
    assert response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    assert not User.objects.exists()
