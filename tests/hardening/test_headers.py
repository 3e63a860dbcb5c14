"""Content-Security-Policy, Permissions-Policy and the self-hosted API docs (issue 10,
item 6). The crawl signs in as each role and visits every page reachable by links."""

import re
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import User

from .html_audit import audit

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
# Emails go to mail clients and letters to WeasyPrint; neither is served to a browser.
NOT_SERVED = {"emails", "letters"}
SKIP_PATHS = ("/accounts/logout/", "/static/", "/media/")


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_csp(response):
    directives = csp_directives(response)
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]


def crawl(client: Client, start: str, limit: int = 60, per_shape: int = 2) -> dict[str, object]:
    """GET the same-site pages reachable from ``start`` by links (up to ``limit``, and at
    most ``per_shape`` of each URL shape such as /applications/N/)."""
    seen: dict[str, object] = {}
    shapes: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", path)
        if path in seen or shapes.get(shape, 0) >= per_shape:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(path, follow=True)
        seen[path] = response
        if not response["Content-Type"].startswith("text/html"):
            continue
        for url in audit(response.content.decode()).urls:
            url = urldefrag(url).url
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PATHS) or "download" in parts.path or "letter" in parts.path:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and target not in queue:
                queue.append(target)
    return seen


@pytest.fixture
def demo(db):
    from django.core.management import call_command
    call_command("load_demo", "--allow-default-password", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("username", ["demo_applicant", "demo_officer", "demo_reviewer1", "demo_admin"])
def test_every_page_a_role_reaches_has_a_strict_csp_and_no_inline_code(demo, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    pages = crawl(client, "/")
    html_pages = {path: r for path, r in pages.items() if r["Content-Type"].startswith("text/html")}
    assert len(html_pages) >= 4, f"{username} reached too few pages: {sorted(pages)}"
    for path, response in html_pages.items():
        assert response.status_code < 500, path
        assert_strict_csp(response)
        assert "camera=()" in response["Permissions-Policy"], path
        problems = audit(response.content.decode()).problems
        assert problems == [], f"{path}: {problems}"


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/register/", "/no-such-page/"])
def test_anonymous_pages_have_the_policy_too(client, path):
    response = client.get(path)
    assert_strict_csp(response)
    assert audit(response.content.decode()).problems == []


def test_permissions_policy_switches_off_unused_features(client):
    header = client.get("/accounts/login/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


def test_no_served_template_contains_inline_code():
    """Every template a browser receives, including ones no crawl reaches (error pages,
    partials): no inline script or style, no on* handler, no javascript: URL."""
    offenders = {}
    for template in sorted(TEMPLATES.rglob("*.html")):
        if template.relative_to(TEMPLATES).parts[0] in NOT_SERVED:
            continue
        text = template.read_text()
        # Template tags can hide inside attributes; neutralise them before parsing.
        text = re.sub(r"{%.*?%}|{{.*?}}", "x", text, flags=re.S)
        problems = audit(text).problems
        if problems:
            offenders[str(template.relative_to(TEMPLATES))] = problems
    assert offenders == {}


# ---------------------------------------------------------------- API docs


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_load_only_same_origin_assets(client, settings, path):
    settings.API_DOCS_REQUIRE_LOGIN = False
    response = client.get(path)
    assert response.status_code == 200
    assert_strict_csp(response)
    found = audit(response.content.decode())
    assert found.problems == []
    assert found.urls, "the docs page loads its scripts and styles"
    for url in found.urls:
        assert url.startswith("/") and not url.startswith("//"), url
    assert "cdn" not in response.content.decode().lower()


def test_the_docs_assets_are_served_from_static_files(settings):
    from django.contrib.staticfiles import finders
    for asset in ("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
                  "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
                  "api_docs/swagger_init.js"):
        assert finders.find(asset), asset


def test_redoc_styles_need_a_nonce_not_unsafe_inline(client, settings):
    settings.API_DOCS_REQUIRE_LOGIN = False
    response = client.get("/api/redoc/")
    nonce = re.search(r'data-style-nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in csp_directives(response)["style-src"]
    # Other pages never carry a nonce.
    assert "nonce" not in client.get("/api/docs/")["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_require_sign_in_when_configured(client, settings, path):
    settings.API_DOCS_REQUIRE_LOGIN = True
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    client.force_login(User.objects.create_user("docs_reader", password="x" * 16))
    assert client.get(path).status_code == 200


def test_production_settings_default_docs_to_sign_in():
    import importlib
    import os
    env = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "dpa.example.gov",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
           "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
    saved = {key: os.environ.get(key) for key in [*env, "API_DOCS_REQUIRE_LOGIN"]}
    os.environ.update(env)
    os.environ.pop("API_DOCS_REQUIRE_LOGIN", None)
    try:
        production = importlib.import_module("dpa_funding.settings.production")
        production = importlib.reload(production)
        assert production.API_DOCS_REQUIRE_LOGIN is True
        assert production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] is True
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
