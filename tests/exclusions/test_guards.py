"""The select and award guards and the exclusion-check endpoints (domain.md "Responsibility
checks before award", api.md exclusion checks)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from applications.choices import ApplicationStatus
from applications.services import application_transition
from audit.models import AuditEvent
from awards.models import Award
from dpa_funding.errors import ConditionsUnmet
from exclusions.importer import import_extract
from exclusions.models import ExclusionCheck, SamClearance, SamExtract
from tests.awards.factories import negotiation_app
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    aor_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.no_sam_extract]

SAMPLE = Path(__file__).with_name("sam_exclusions_sample.csv")
EXCLUDED_UEI = "XK3MEJ7Q2LN5"        # active, indefinite (sample row 1)
LAPSED_UEI = "LM7QW2ER9TY4"          # inactive, terminated 2023 (sample row 3)
NAME_ONLY = "Sample Suspended Minerals, L.L.C."  # sample row 2 has the name but no UEI


@pytest.fixture
def extract():
    return import_extract(SAMPLE).extract


def officer():
    return UserFactory(officer=True)


def reviewed(**org):
    return ApplicationFactory(status=ApplicationStatus.REVIEWED, organization=OrganizationFactory(**org))


def in_negotiation(**org):
    return negotiation_app(organization=OrganizationFactory(**org))


def test_excluded_uei_is_refused_at_select_and_award(extract):
    app = reviewed(uei=EXCLUDED_UEI)
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="select", actor=officer())
    assert any("excluded in SAM" in m and "Example Debarred Smelting Co" in m for m in exc.value.unmet)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVIEWED and not ExclusionCheck.objects.exists()

    app = negotiation_app(organization=app.organization)
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="award", actor=officer())
    assert any("excluded in SAM" in m for m in exc.value.unmet)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.NEGOTIATION and not Award.objects.filter(application=app).exists()


def test_inactive_or_terminated_records_do_not_exclude(extract):
    app = reviewed(uei=LAPSED_UEI, legal_name="Lapsed Exclusion Mining Inc")
    app = application_transition(application_id=app.pk, name="select", actor=officer())
    assert app.status == ApplicationStatus.SELECTED


def test_a_name_only_match_needs_an_officers_clearance(extract, client_for):
    app = reviewed(legal_name=NAME_ONLY)
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="select", actor=officer())
    assert any("Possible SAM exclusion by name" in m for m in exc.value.unmet)

    client = client_for(officer())
    url = f"/api/v1/organizations/{app.organization_id}/exclusion-check/"
    body = client.get(url).json()
    assert body["excluded"] is False and body["cleared"] is False and body["result"] == "possible_match"
    assert [m["name"] for m in body["possible_matches"]] == ["Sample Suspended Minerals LLC"]
    assert body["extract"] == {"imported_at": body["extract"]["imported_at"], "sha256": extract.sha256, "rows": 4}
    assert client.post(f"{url}clear/", {"comment": " "}, format="json").status_code == 400
    response = client.post(f"{url}clear/", {"comment": "Different company: Elko NV, EIN differs."}, format="json")
    assert response.status_code == 200 and response.json()["cleared"] is True
    assert AuditEvent.objects.filter(object_type="exclusions.samclearance", action="create").count() == 1

    app = application_transition(application_id=app.pk, name="select", actor=officer())
    assert app.status == ApplicationStatus.SELECTED
    check = ExclusionCheck.objects.get(application=app)
    assert (check.result, check.occasion, check.extract_id) == ("cleared", "select", extract.pk)
    assert check.clearance == SamClearance.objects.get()


def test_a_clearance_holds_for_its_extract_only(extract, tmp_path):
    app = reviewed(legal_name=NAME_ONLY)
    from exclusions.services import clear_possible_matches

    clear_possible_matches(actor=officer(), organization=app.organization, comment="Not them.")
    newer = tmp_path / "newer.csv"
    newer.write_text(SAMPLE.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # another sha256
    import_extract(newer)
    with pytest.raises(ConditionsUnmet):
        application_transition(application_id=app.pk, name="select", actor=officer())


def test_a_stale_extract_refuses_award_and_no_extract_refuses_select():
    app = reviewed()
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="select", actor=officer())
    assert any("no SAM exclusions extract has been imported" in m for m in exc.value.unmet)

    SamExtract.objects.bulk_create([SamExtract(file_name="old.csv", sha256="1" * 64, rows=0, source="command",
                                               imported_at=timezone.now() - timedelta(days=8))])
    app = in_negotiation()
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="award", actor=officer())
    assert any("older than 7 days" in m for m in exc.value.unmet)
    assert not Award.objects.filter(application=app).exists()


def test_a_passing_award_keeps_its_check_with_the_application(extract, client_for):
    app = in_negotiation()
    issuer = officer()
    response = client_for(issuer).post(f"/api/v1/applications/{app.pk}/transitions/award/", {}, format="json")
    assert response.status_code == 200, response.json()
    check = ExclusionCheck.objects.get(application=app)
    assert (check.result, check.occasion, check.checked_by, check.uei) == (
        "clear", "award", issuer, app.organization.uei)
    assert AuditEvent.objects.filter(object_type="exclusions.exclusioncheck", object_id=check.pk).exists()


def test_api_refusal_lists_the_guard_as_conditions_unmet(extract, client_for):
    app = reviewed(uei=EXCLUDED_UEI)
    response = client_for(officer()).post(f"/api/v1/applications/{app.pk}/transitions/select/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "conditions_unmet"
    assert any("excluded in SAM" in m for m in response.json()["unmet"])


def test_exclusion_check_endpoint_is_for_officers(extract, client_for):
    org = OrganizationFactory(uei=EXCLUDED_UEI)
    MembershipFactory(organization=org)
    url = f"/api/v1/organizations/{org.pk}/exclusion-check/"
    body = client_for(officer()).get(url).json()
    assert body["excluded"] is True and body["exclusions"][0]["excluding_agency"] == "DOD"
    assert body["extract_stale"] is False and body["checked_at"]
    assert ExclusionCheck.objects.filter(organization=org, occasion="officer").count() == 1
    assert client_for(aor_of(org)).get(url).status_code == 403
    assert client_for(UserFactory()).get(url).status_code == 404
    assert client_for(UserFactory(role="admin")).get(url).status_code == 403
    # A UEI match can never be cleared.
    response = client_for(officer()).post(f"{url}clear/", {"comment": "Looks fine"}, format="json")
    assert response.status_code == 400 and not SamClearance.objects.exists()


def test_screening_and_award_pages_show_the_check_to_officers_only(extract, client):
    app = reviewed(legal_name=NAME_ONLY)
    client.force_login(officer())
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert "SAM exclusions" in page and "Possible match by name" in page
    response = client.post(f"/exclusions/organizations/{app.organization_id}/clear/",
                           {"comment": "Different firm.", "next": f"/applications/{app.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/applications/{app.pk}/"
    assert "Cleared by" in client.get(f"/applications/{app.pk}/").content.decode()

    negotiating = in_negotiation()
    page = client.get(f"/awards/applications/{negotiating.pk}/terms/").content.decode()
    assert "SAM exclusions" in page and "Not excluded" in page

    member = aor_of(app.organization)
    client.force_login(member)
    assert "SAM exclusions" not in client.get(f"/applications/{app.pk}/").content.decode()
