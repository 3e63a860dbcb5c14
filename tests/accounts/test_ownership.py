"""Owners as rows (domain.md "Domestic sources and ownership"): the derived flag, the
disclosure shown to officers, validation of the owner list, audit and the data migration."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Organization
from accounts.ownership import assess
from accounts.services import organization_update
from audit.models import AuditEvent
from dpa_funding.errors import ValidationFailed
from tests.factories import MembershipFactory, UserFactory, aor_of, owned

URL = "/api/v1/organizations/"


def owner(country, percent, government=False, name="Owner"):
    return {"name": name, "country": country, "percent": Decimal(str(percent)),
            "government_controlled": government}


@pytest.mark.parametrize(("owners", "flagged", "disclosed"), [
    # The case: 30% Canadian plus a token Chinese owner is disclosed, not flagged ...
    ([owner("CA", 30), owner("CN", 1)], False, True),
    # ... while 30% Chinese is flagged.
    ([owner("CN", 30)], True, True),
    ([owner("CN", 25)], True, True),                      # the threshold is inclusive
    ([owner("CN", "24.99")], False, True),
    # Covered nations count together: 15% Chinese + 10% Russian reach 25%.
    ([owner("CN", 15), owner("RU", 10)], True, True),
    ([owner("IR", 12), owner("KP", 12), owner("CA", 50)], False, True),
    # Any government-controlled covered-nation owner flags, whatever its share.
    ([owner("CN", "0.5", government=True), owner("US", 60)], True, True),
    # A government-controlled owner from elsewhere does not.
    ([owner("GB", 40, government=True)], False, False),
    ([owner("CA", 60), owner("AU", 30)], False, False),
    ([], False, False),
])
def test_foreign_entity_of_concern_combinations(owners, flagged, disclosed):
    result = assess(owners)
    assert result.foreign_entity_of_concern is flagged
    assert result.covered_nation_disclosure is disclosed


def test_derived_percent_and_countries_leave_out_us_owners():
    result = assess([owner("US", 50), owner("CA", 30), owner("CN", 5), owner("CA", 5)])
    assert result.foreign_ownership_percent == Decimal("40.00")
    assert result.foreign_owner_countries == ["CA", "CN"]


@pytest.mark.django_db
def test_model_properties_follow_the_owner_rows():
    org = owned(("CA", 30), ("CN", 1))
    assert (org.foreign_entity_of_concern, org.covered_nation_disclosure) == (False, True)
    flagged = owned(("CN", 30))
    assert flagged.foreign_entity_of_concern and flagged.foreign_ownership_percent == Decimal("30.00")


def body(**overrides):
    data = {
        "legal_name": "Great Basin Lithium Inc.", "uei": "J7M4K2L9N3P5", "ein": "881234567",
        "naics_code": "212290", "address_line1": "1 Main St", "city": "Reno", "state": "NV",
        "postal_code": "89501", "congressional_district": "NV-002",
        "owners": [{"name": "Maple Leaf Holdings", "country": "ca", "percent": "30.00"},
                   {"name": "Dragon Ore Holdings", "country": "CN", "percent": "1.00",
                    "government_controlled": False}],
    }
    data.update(overrides)
    return data


def test_api_creates_owners_and_derives_the_old_fields(client_for):
    response = client_for(UserFactory()).post(URL, body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["owners"] == [
        {"name": "Maple Leaf Holdings", "country": "CA", "percent": "30.00", "government_controlled": False},
        {"name": "Dragon Ore Holdings", "country": "CN", "percent": "1.00", "government_controlled": False},
    ]
    assert data["foreign_ownership_percent"] == "31.00" and data["foreign_owner_countries"] == ["CA", "CN"]
    assert "foreign_entity_of_concern" not in data and "covered_nation_disclosure" not in data
    officer = client_for(UserFactory(officer=True)).get(f"{URL}{data['id']}/").json()
    assert officer["foreign_entity_of_concern"] is False and officer["covered_nation_disclosure"] is True


def test_derived_fields_are_read_only(client_for):
    response = client_for(UserFactory()).post(
        URL, body(owners=[], foreign_ownership_percent="40.00", foreign_owner_countries=["CN"]), format="json")
    assert response.status_code == 201
    assert response.json()["foreign_ownership_percent"] == "0.00"
    assert response.json()["foreign_owner_countries"] == []


def test_owner_shares_over_100_percent_are_refused(client_for):
    response = client_for(UserFactory()).post(URL, body(owners=[
        {"name": "A", "country": "CA", "percent": "70"}, {"name": "B", "country": "US", "percent": "40"},
    ]), format="json")
    assert response.status_code == 400
    assert "may not exceed 100%" in response.json()["owners"]["non_field_errors"][0]
    assert not Organization.objects.exists()


def test_every_owner_error_comes_back_with_the_organization_errors(client_for):
    response = client_for(UserFactory()).post(URL, body(uei="0BAD", owners=[
        {"name": "", "country": "Canada", "percent": "10"},
        {"name": "Fine Owner", "country": "CA", "percent": "5"},
        {"name": "Too Much", "country": "CN", "percent": "120"},
        {"name": "Big Share", "country": "US", "percent": "95"},
    ]), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "uei" in errors
    assert set(errors["owners"]["0"]) == {"name", "country"}
    assert "1" not in errors["owners"] and "3" not in errors["owners"]
    assert set(errors["owners"]["2"]) == {"percent"}
    # The shares that are numbers (10 + 5 + 95) already exceed 100%: said in the same answer.
    assert "110" in errors["owners"]["non_field_errors"][0]


def test_patch_replaces_the_owners_and_audits_one_ownership_event(client_for):
    org = owned(("CA", 30))
    MembershipFactory(organization=org)
    client = client_for(aor_of(org))
    response = client.patch(f"{URL}{org.pk}/", {"owners": [
        {"name": "State Minerals Corp", "country": "CN", "percent": "5", "government_controlled": True},
    ]}, format="json")
    assert response.status_code == 200, response.json()
    assert [o["name"] for o in response.json()["owners"]] == ["State Minerals Corp"]
    org.refresh_from_db()
    assert org.foreign_entity_of_concern  # government-controlled covered-nation owner
    event = AuditEvent.objects.filter(object_type="accounts.organization", object_id=org.pk,
                                      action="ownership_changed").get()
    assert event.changes["before"]["owners"][0]["country"] == "CA"
    assert event.changes["after"]["owners"][0]["government_controlled"] is True
    assert event.changes["after"]["foreign_entity_of_concern"] is True
    # PATCH without owners leaves them alone; the same list again writes no event.
    client.patch(f"{URL}{org.pk}/", {"city": "Elko"}, format="json")
    client.patch(f"{URL}{org.pk}/", {"owners": response.json()["owners"]}, format="json")
    assert org.owners.count() == 1
    assert AuditEvent.objects.filter(action="ownership_changed", object_id=org.pk).count() == 1


def test_failed_owner_update_changes_nothing(db):
    org = owned(("CA", 30))
    MembershipFactory(organization=org)
    with pytest.raises(ValidationFailed):
        organization_update(actor=aor_of(org), organization=org, city="Ely",
                            owners=[{"name": "X", "country": "CN", "percent": "101"}])
    org.refresh_from_db()
    assert org.city == "Elko" and [o.country for o in org.owners.all()] == ["CA"]


def test_officer_page_shows_flag_reasons_and_disclosure(client, db):
    flagged = owned(("CN", "0.5", True), ("US", 60))
    disclosed = owned(("CA", 30), ("CN", 1))
    client.force_login(UserFactory(officer=True))
    page = client.get(f"/accounts/organizations/{flagged.pk}/").content.decode()
    assert "Foreign entity of concern." in page and "government-controlled" in page
    page = client.get(f"/accounts/organizations/{disclosed.pk}/").content.decode()
    assert "Covered-nation ownership to review" in page and "China" in page
    assert "Foreign entity of concern." not in page


def test_submitted_record_freezes_the_owners(client_for):
    from applications.services import application_transition
    from tests.factories import ApplicationFactory, OwnerFactory

    app = ApplicationFactory(ready=True)
    OwnerFactory(organization=app.organization, name="Maple Leaf Holdings", country="CA", percent=30)
    aor = aor_of(app.organization)
    application_transition(application_id=app.pk, name="submit", actor=aor)
    organization_update(actor=aor, organization=app.organization,
                        owners=[{"name": "Later", "country": "CN", "percent": "40"}])
    record = client_for(aor).get(f"/api/v1/applications/{app.pk}/").json()["submitted_record"]
    assert record["organization"]["owners"] == [
        {"name": "Maple Leaf Holdings", "country": "CA", "percent": "30.00", "government_controlled": False}]
    assert record["organization"]["foreign_entity_of_concern"] is False
    assert record["organization"]["foreign_ownership_percent"] == "30.00"


@pytest.mark.django_db(transaction=True)
def test_migration_moves_each_single_disclosure_into_one_owner_row():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0004_owner")])
    old = executor.loader.project_state([("accounts", "0004_owner")]).apps
    OldOrg = old.get_model("accounts", "Organization")
    base = {"ein": "123456789", "naics_code": "212290", "address_line1": "1 Rd", "city": "Elko",
            "state": "NV", "postal_code": "89801", "congressional_district": "NV-002"}
    feoc = OldOrg.objects.create(legal_name="Old FEOC", uei="J7M4K2L9N3P5", foreign_ownership_percent=30,
                                 foreign_owner_countries=["CA", "CN"], **base)
    mixed = OldOrg.objects.create(legal_name="Old CA", uei="J7M4K2L9N3P6", foreign_ownership_percent=10,
                                  foreign_owner_countries=["CA", "AU"], **base)
    none = OldOrg.objects.create(legal_name="Old none", uei="J7M4K2L9N3P7", **base)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    org = Organization.objects.get(pk=feoc.pk)
    [row] = org.owners.all()
    assert (row.country, row.percent) == ("CN", Decimal("30.00")) and "CA, CN" in row.name
    assert org.foreign_entity_of_concern  # the flag is what it was
    [row] = Organization.objects.get(pk=mixed.pk).owners.all()
    assert (row.country, row.percent) == ("CA", Decimal("10.00"))
    assert not Organization.objects.get(pk=none.pk).owners.exists()
