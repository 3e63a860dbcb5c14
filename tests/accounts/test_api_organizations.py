import pytest

from accounts.choices import MemberRole
from accounts.models import Membership, Organization
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, aor_of, owned

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations/"


def org_body(**overrides):
    body = {
        "legal_name": "Great Basin Lithium Inc.", "uei": "J7M4K2L9N3P5", "ein": "881234567",
        "cage_code": "7ABC1", "naics_code": "212290", "address_line1": "1 Main St", "city": "Reno",
        "state": "NV", "postal_code": "89501", "congressional_district": "NV-002",
        "owners": [{"name": "Maple Leaf Holdings", "country": "CA", "percent": "10.00"}],
    }
    body.update(overrides)
    return body


def org_with_aor():
    org = OrganizationFactory()
    MembershipFactory(organization=org)
    return org


def test_applicant_creates_organization_and_becomes_its_aor(client_for):
    user = UserFactory()
    response = client_for(user).post(URL, org_body(uei="j7m4k2l9n3p5", congressional_district="nv-002"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["uei"] == "J7M4K2L9N3P5" and body["congressional_district"] == "NV-002"
    assert "foreign_entity_of_concern" not in body
    org = Organization.objects.get(pk=body["id"])
    assert Membership.objects.get(organization=org, user=user).role == MemberRole.AUTHORIZED_REPRESENTATIVE


@pytest.mark.parametrize(("field", "value"), [
    ("uei", "0ABCDEFGHJKL"),  # starts with 0
    ("uei", "ABCDEFGHIJKL"),  # contains I
    ("ein", "12-3456789"),
    ("naics_code", "2122"),
    ("cage_code", "12"),
    ("congressional_district", "Nevada 2"),
])
def test_invalid_identifiers_are_field_errors(client_for, field, value):
    response = client_for(UserFactory()).post(URL, org_body(**{field: value}), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body, body
    assert not Organization.objects.exists()


def test_duplicate_uei_is_a_field_error(client_for):
    OrganizationFactory(uei="J7M4K2L9N3P5")
    response = client_for(UserFactory()).post(URL, org_body(), format="json")
    assert response.status_code == 400 and "uei" in response.json()


def test_staff_cannot_register_organizations(client_for):
    response = client_for(UserFactory(officer=True)).post(URL, org_body(), format="json")
    assert response.status_code == 403


def test_members_see_only_their_organizations_and_officers_see_all(client_for):
    a, b = org_with_aor(), org_with_aor()
    member = aor_of(a)
    listed = client_for(member).get(URL).json()
    assert [o["id"] for o in listed["results"]] == [a.pk]
    assert client_for(member).get(f"{URL}{b.pk}/").status_code == 404
    officer = client_for(UserFactory(officer=True))
    assert {o["id"] for o in officer.get(URL).json()["results"]} == {a.pk, b.pk}


def test_foreign_entity_of_concern_is_shown_only_to_officers(client_for):
    org = owned(("CN", 30))
    MembershipFactory(organization=org)
    officer_view = client_for(UserFactory(officer=True)).get(f"{URL}{org.pk}/").json()
    assert officer_view["foreign_entity_of_concern"] is True
    member_view = client_for(aor_of(org)).get(f"{URL}{org.pk}/").json()
    assert "foreign_entity_of_concern" not in member_view


def test_aor_edits_organization_contributor_gets_403_outsider_404(client_for):
    org = org_with_aor()
    contributor = MembershipFactory(organization=org, role=MemberRole.CONTRIBUTOR).user
    url = f"{URL}{org.pk}/"
    response = client_for(aor_of(org)).patch(url, {"city": "Elko", "naics_code": "331491"}, format="json")
    assert response.status_code == 200 and response.json()["city"] == "Elko"
    assert client_for(contributor).patch(url, {"city": "Ely"}, format="json").status_code == 403
    assert client_for(UserFactory()).patch(url, {"city": "Ely"}, format="json").status_code == 404
    org.refresh_from_db()
    assert org.city == "Elko"


def test_patch_validates_identifiers(client_for):
    org = org_with_aor()
    response = client_for(aor_of(org)).patch(f"{URL}{org.pk}/", {"ein": "12345"}, format="json")
    assert response.status_code == 400 and "ein" in response.json()


def test_aor_invites_and_membership_starts_only_on_accept(client_for):
    org = org_with_aor()
    newcomer = UserFactory(username="newcomer")
    response = client_for(aor_of(org)).post(f"{URL}{org.pk}/members/",
                                            {"username": "newcomer", "role": "contributor"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "invited" and body["username"] == "newcomer" and body["role"] == "contributor"
    assert not Membership.objects.filter(organization=org, user=newcomer).exists()

    invitee = client_for(newcomer)
    listed = invitee.get("/api/v1/invitations/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    accepted = invitee.post(f"/api/v1/invitations/{body['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert Membership.objects.get(organization=org, user=newcomer).role == MemberRole.CONTRIBUTOR
    again = invitee.post(f"/api/v1/invitations/{body['id']}/accept/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"

    other = UserFactory(username="other")
    forbidden = client_for(newcomer).post(f"{URL}{org.pk}/members/",
                                          {"username": "other", "role": "contributor"}, format="json")
    assert forbidden.status_code == 403
    assert not Membership.objects.filter(user=other).exists()


def test_invitation_answer_is_the_same_for_unknown_staff_and_applicants(client_for):
    org = org_with_aor()
    UserFactory(username="officer1", officer=True)
    UserFactory(username="applicant1")
    client = client_for(aor_of(org))
    shapes = []
    for username in ("officer1", "ghost", "applicant1"):
        response = client.post(f"{URL}{org.pk}/members/", {"username": username, "role": "contributor"},
                               format="json")
        assert response.status_code == 201
        body = response.json()
        shapes.append({k: v for k, v in body.items() if k not in ("id", "username", "created_at")})
    assert shapes[0] == shapes[1] == shapes[2]
    assert not Membership.objects.filter(user__username__in=["officer1", "ghost", "applicant1"]).exists()


def test_staff_cannot_accept_an_invitation_nobody_else_can_see_it(client_for):
    org = org_with_aor()
    officer = UserFactory(username="officer1", officer=True)
    invitation = client_for(aor_of(org)).post(f"{URL}{org.pk}/members/", {"username": "officer1"},
                                              format="json").json()
    assert client_for(officer).post(f"/api/v1/invitations/{invitation['id']}/accept/").status_code == 404
    stranger = UserFactory()
    assert client_for(stranger).post(f"/api/v1/invitations/{invitation['id']}/decline/").status_code == 404
    assert not Membership.objects.filter(user=officer).exists()


def test_invitee_declines(client_for):
    org = org_with_aor()
    maria = UserFactory(username="maria")
    invitation = client_for(aor_of(org)).post(f"{URL}{org.pk}/members/", {"username": "maria"},
                                              format="json").json()
    response = client_for(maria).post(f"/api/v1/invitations/{invitation['id']}/decline/")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert client_for(maria).post(f"/api/v1/invitations/{invitation['id']}/accept/").status_code == 409
    assert not Membership.objects.filter(user=maria).exists()


def test_members_leave_and_the_last_aor_cannot(client_for):
    org = org_with_aor()
    aor = aor_of(org)
    contributor = MembershipFactory(organization=org, role=MemberRole.CONTRIBUTOR).user
    assert client_for(contributor).delete(f"{URL}{org.pk}/members/{contributor.pk}/").status_code == 204
    assert not Membership.objects.filter(organization=org, user=contributor).exists()
    response = client_for(aor).delete(f"{URL}{org.pk}/members/{aor.pk}/")
    assert response.status_code == 409
    assert Membership.objects.filter(organization=org, user=aor).exists()


def test_aor_removes_a_member_and_a_contributor_cannot_remove_others(client_for):
    org = org_with_aor()
    aor = aor_of(org)
    first = MembershipFactory(organization=org, role=MemberRole.CONTRIBUTOR).user
    second = MembershipFactory(organization=org, role=MemberRole.CONTRIBUTOR).user
    assert client_for(first).delete(f"{URL}{org.pk}/members/{second.pk}/").status_code == 403
    assert client_for(first).delete(f"{URL}{org.pk}/members/{aor.pk}/").status_code == 403
    assert client_for(aor).delete(f"{URL}{org.pk}/members/{second.pk}/").status_code == 204
    assert not Membership.objects.filter(organization=org, user=second).exists()
