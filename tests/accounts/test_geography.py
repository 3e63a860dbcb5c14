"""Country and subdivision rules (domain.md "Domestic sources and ownership")."""

import pytest
from django.core.exceptions import ValidationError

from accounts.geography import Country, location_errors, subdivisions
from accounts.models import Organization
from applications.models import Project
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, aor_of

ORG_URL = "/api/v1/organizations/"
PROJECT_URL = "/api/v1/projects/"


def test_each_country_has_exactly_its_subdivisions():
    us = subdivisions("US")
    # 50 states, DC and the five inhabited territories; not the Minor Outlying Islands.
    assert len(us) == 56 and {"DC", "PR", "GU", "VI", "AS", "MP"} <= set(us) and "UM" not in us
    assert set(subdivisions("CA")) == {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE",
                                       "QC", "SK", "YT"}
    assert set(subdivisions("AU")) == {"ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"}
    assert set(subdivisions("GB")) == {"ENG", "SCT", "WLS", "NIR"}
    assert subdivisions("FR") == {}


@pytest.mark.parametrize(("country", "state", "district"), [
    ("US", "NV", "NV-002"), ("US", "WY", "WY-AL"), ("US", "DC", "DC-AL"), ("US", "PR", "PR-AL"),
    ("US", "GU", "GU-AL"), ("US", "VI", "VI-AL"), ("US", "AS", "AS-AL"), ("US", "MP", "MP-AL"),
    ("CA", "ON", ""), ("CA", "YT", ""), ("CA", "NT", ""), ("AU", "WA", ""), ("AU", "NSW", ""),
    ("AU", "NT", ""), ("GB", "SCT", ""), ("GB", "NIR", ""), ("GB", "ENG", ""), ("GB", "WLS", ""),
])
def test_valid_subdivisions_per_country(country, state, district):
    assert location_errors(country, state, district) == {}


@pytest.mark.parametrize(("country", "state", "district", "fields"), [
    ("CA", "NV", "", {"state"}),                      # a US state is not a province
    ("US", "ON", "ON-001", {"state"}),
    ("AU", "ON", "", {"state"}),
    ("GB", "SCO", "", {"state"}),                     # Scotland is SCT
    ("US", "UM", "UM-AL", {"state"}),
    ("US", "NV", "", {"congressional_district"}),     # districts are required for US addresses
    ("US", "NV", "CA-012", {"congressional_district"}),  # and must be in that state
    ("CA", "ON", "ON-001", {"congressional_district"}),  # and exist nowhere else
    ("GB", "ENG", "NV-002", {"congressional_district"}),
    ("CA", "XX", "ON-1", {"state", "congressional_district"}),  # every problem at once
    ("FR", "IDF", "", {"country"}),
])
def test_invalid_combinations_name_every_field(country, state, district, fields):
    assert set(location_errors(country, state, district)) == fields


def test_model_validates_country_and_state_together(db):
    org = OrganizationFactory.build(country="AU", state="ON", congressional_district="")
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert set(exc.value.message_dict) == {"state"}
    project = Project(organization=OrganizationFactory(), name="x", facility_type="mine",
                      stage="feasibility", country="CA", state="WA")
    with pytest.raises(ValidationError) as exc:
        project.full_clean()
    assert set(exc.value.message_dict) == {"state"}


def _body(**overrides):
    body = {"legal_name": "Northern Cobalt Ltd.", "uei": "K8M4K2L9N3P5", "ein": "881234568",
            "naics_code": "212290", "address_line1": "1 Bay St", "city": "Toronto", "state": "ON",
            "postal_code": "M5J 2N8", "country": "CA"}
    body.update(overrides)
    return body


def test_canadian_organization_without_district_is_created(client_for):
    response = client_for(UserFactory()).post(ORG_URL, _body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["country"], body["state"], body["congressional_district"]) == ("CA", "ON", "")
    assert "needs_domestic_source_determination" not in body  # officers only


def test_country_defaults_to_us(client_for):
    response = client_for(UserFactory()).post(ORG_URL, _body(
        country=None, state="nv", congressional_district="NV-002", city="Reno") | {}, format="json")
    assert response.status_code == 400  # null is not a country
    body = _body(state="nv", congressional_district="nv-002")
    body.pop("country")
    response = client_for(UserFactory(username="second")).post(ORG_URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["country"], response.json()["state"]) == ("US", "NV")


def test_all_location_errors_come_back_together(client_for):
    response = client_for(UserFactory()).post(
        ORG_URL, _body(country="GB", state="ON", congressional_district="NV-002"), format="json")
    assert response.status_code == 400
    assert {"state", "congressional_district"} <= set(response.json())
    assert not Organization.objects.exists()


@pytest.mark.parametrize(("country", "state", "flagged"), [
    ("US", "NV", False), ("CA", "ON", False), ("AU", "WA", True), ("GB", "SCT", True),
])
def test_au_and_gb_applicants_are_flagged_for_officers(client_for, country, state, flagged):
    org = OrganizationFactory(country=country, state=state,
                              congressional_district="NV-002" if country == "US" else "")
    MembershipFactory(organization=org)
    assert org.needs_domestic_source_determination is flagged
    officer = UserFactory(officer=True)
    body = client_for(officer).get(f"{ORG_URL}{org.pk}/").json()
    assert body["needs_domestic_source_determination"] is flagged
    member = client_for(aor_of(org)).get(f"{ORG_URL}{org.pk}/").json()
    assert "needs_domestic_source_determination" not in member


def test_patching_country_revalidates_the_stored_state(client_for):
    org = OrganizationFactory()
    MembershipFactory(organization=org)
    response = client_for(aor_of(org)).patch(f"{ORG_URL}{org.pk}/", {"country": "CA"}, format="json")
    assert response.status_code == 400
    assert {"state", "congressional_district"} <= set(response.json())
    response = client_for(aor_of(org)).patch(
        f"{ORG_URL}{org.pk}/", {"country": "AU", "state": "wa", "congressional_district": ""},
        format="json")
    assert response.status_code == 200, response.json()
    org.refresh_from_db()
    assert (org.country, org.state) == ("AU", "WA")


def test_project_sites_carry_country_and_subdivision(client_for):
    org = OrganizationFactory()
    MembershipFactory(organization=org)
    client = client_for(aor_of(org))
    body = {"organization": org.pk, "name": "Mactung", "facility_type": "mine", "stage": "feasibility",
            "minerals": [], "country": "CA", "state": "yt"}
    response = client.post(PROJECT_URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["country"], response.json()["state"]) == (Country.CA, "YT")
    response = client.post(PROJECT_URL, {**body, "name": "Wrong", "state": "NV"}, format="json")
    assert response.status_code == 400 and "state" in response.json()


def test_html_organization_form_takes_country_and_subdivision_together(client, db):
    user = UserFactory()
    client.force_login(user)
    data = {"legal_name": "Highland Rare Earths", "uei": "K8M4K2L9N3P6", "ein": "881234569",
            "naics_code": "212290", "address_line1": "1 High St", "city": "Inverness",
            "postal_code": "IV1 1AA", "location": "GB-SCT", "congressional_district": "",
            "owners-TOTAL_FORMS": "0", "owners-INITIAL_FORMS": "0"}
    response = client.post("/accounts/organizations/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organization.objects.get(uei="K8M4K2L9N3P6")
    assert (org.country, org.state) == ("GB", "SCT")
    response = client.post("/accounts/organizations/new/", {**data, "uei": "K8M4K2L9N3P7", "location": "GB-SCT",
                                                   "congressional_district": "NV-002"})
    assert response.status_code == 200 and "US addresses only" in response.content.decode()
