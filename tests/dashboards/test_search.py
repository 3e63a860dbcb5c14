"""Full-text search stays inside what the user may see."""

import pytest

from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
    aor_of,
)

pytestmark = pytest.mark.django_db


def _search(client, user, q):
    client.force_login(user)
    return client.get("/dashboards/search/", {"q": q}).content.decode()


def test_officer_finds_applications_organizations_and_projects_by_words(client):
    app = ApplicationFactory(title="Antimony trisulfide processing expansion")
    ProjectFactory(organization=app.organization, name="Stibnite Gold Project", county="Valley")
    html = _search(client, UserFactory(officer=True), "antimony processing")
    assert app.title in html
    html = _search(client, UserFactory(officer=True), "stibnite")
    assert "Stibnite Gold Project" in html


def test_uei_typed_whole_matches_exactly(client):
    org = OrganizationFactory(legal_name="Perpetua Resources Idaho, Inc.")
    html = _search(client, UserFactory(officer=True), org.uei.lower())
    assert "Perpetua Resources Idaho, Inc." in html


def test_applicants_find_only_their_own(client):
    mine = ApplicationFactory(title="Graphite anode material plant")
    theirs = ApplicationFactory(title="Graphite mine expansion elsewhere")
    html = _search(client, aor_of(mine.organization), "graphite")
    assert mine.title in html and theirs.title not in html
