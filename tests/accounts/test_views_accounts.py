"""HTML pages for registration, organizations and members."""

import pytest
from django.urls import reverse

from accounts.choices import MemberRole, Role
from accounts.models import Membership, Organization, User
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, aor_of, owned

pytestmark = pytest.mark.django_db

ORG_DATA = {
    "legal_name": "Basin Rare Earths Inc.", "uei": "ZQ12ABCD3456", "ein": "123456780", "cage_code": "1ABC2",
    "naics_code": "212290", "address_line1": "1 Main St", "city": "Reno", "location": "US-NV", "postal_code": "89501",
    "congressional_district": "NV-002",
    "owners-TOTAL_FORMS": "3", "owners-INITIAL_FORMS": "0", "owners-MIN_NUM_FORMS": "0", "owners-MAX_NUM_FORMS": "50",
    "owners-0-name": "Dragon Ore Holdings", "owners-0-country": "CN", "owners-0-percent": "30",
    "owners-1-name": "Maple Leaf Holdings", "owners-1-country": "CA", "owners-1-percent": "20",
}


def test_register_creates_an_applicant_and_signs_them_in(client):
    resp = client.post(reverse("accounts:register"), {
        "username": "newco", "email": "newco@example.com", "first_name": "Ann", "last_name": "Lee",
        "password": "ore-body-tailings-2026", "password_confirm": "ore-body-tailings-2026",
    })
    assert resp.status_code == 302
    user = User.objects.get(username="newco")
    assert user.role == Role.APPLICANT and user.check_password("ore-body-tailings-2026")
    assert client.get(reverse("accounts:organization_list")).status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk


def test_register_rejects_a_weak_password_as_a_field_error_and_keeps_the_input(client):
    resp = client.post(reverse("accounts:register"), {
        "username": "weakling", "email": "weak@example.com", "password": "12345678", "password_confirm": "12345678",
    })
    assert resp.status_code == 200
    assert not User.objects.filter(username="weakling").exists()
    errors = resp.context["form"].errors["password"]
    assert any("too short" in e for e in errors) and any("numeric" in e for e in errors)
    assert 'value="weak@example.com"' in resp.content.decode()


def test_register_rejects_mismatched_passwords(client):
    resp = client.post(reverse("accounts:register"), {
        "username": "typo", "email": "typo@example.com",
        "password": "ore-body-tailings-2026", "password_confirm": "ore-body-tailings-2027",
    })
    assert resp.status_code == 200
    assert "password_confirm" in resp.context["form"].errors
    assert not User.objects.filter(username="typo").exists()


def test_applicant_registers_an_organization_and_becomes_its_aor(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:organization_create")).status_code == 200
    resp = client.post(reverse("accounts:organization_create"), ORG_DATA)
    org = Organization.objects.get(uei="ZQ12ABCD3456")
    assert resp.status_code == 302 and resp["Location"] == reverse("accounts:organization_detail", args=[org.pk])
    assert org.foreign_owner_countries == ["CN", "CA"] and org.foreign_ownership_percent == 50
    assert [(o.name, o.country) for o in org.owners.all()] == [("Dragon Ore Holdings", "CN"),
                                                                ("Maple Leaf Holdings", "CA")]
    assert org.foreign_entity_of_concern
    assert Membership.objects.get(organization=org, user=user).role == MemberRole.AUTHORIZED_REPRESENTATIVE
    page = client.get(resp["Location"]).content.decode()
    assert "Dragon Ore Holdings" in page and "Basin Rare Earths Inc." in page
    assert "Foreign entity of concern" not in page  # the flag is for federal staff


def test_organization_form_rejects_a_bad_uei_with_a_field_error_and_keeps_values(client):
    client.force_login(UserFactory())
    resp = client.post(reverse("accounts:organization_create"), {**ORG_DATA, "uei": "0BADUEI"})
    assert resp.status_code == 200
    assert "UEI must be 12 characters" in resp.context["form"].errors["uei"][0]
    assert not Organization.objects.exists()
    html = resp.content.decode()
    assert 'value="Basin Rare Earths Inc."' in html and 'value="0BADUEI"' in html
    assert 'value="Dragon Ore Holdings"' in html
    assert "usa-input--error" in html


def test_organization_form_reports_owner_rows_and_the_form_together(client):
    client.force_login(UserFactory())
    resp = client.post(reverse("accounts:organization_create"),
                       {**ORG_DATA, "uei": "0BADUEI", "owners-0-country": "XX", "owners-1-percent": "200"})
    assert resp.status_code == 200
    assert "uei" in resp.context["form"].errors
    rows = resp.context["owners"].forms
    assert "country" in rows[0].errors and "percent" in rows[1].errors
    assert not Organization.objects.exists()


def test_organization_form_refuses_owners_over_100_percent(client):
    client.force_login(UserFactory())
    resp = client.post(reverse("accounts:organization_create"),
                       {**ORG_DATA, "owners-0-percent": "70", "owners-1-percent": "40"})
    assert resp.status_code == 200
    assert "may not exceed 100%" in resp.content.decode()
    assert not Organization.objects.exists()


def test_officer_cannot_register_an_organization(client):
    client.force_login(UserFactory(officer=True))
    assert client.get(reverse("accounts:organization_create")).status_code == 403


def test_organization_list_shows_only_the_users_organizations():
    from django.test import Client

    mine, other = MembershipFactory(), MembershipFactory()
    client = Client()
    client.force_login(mine.user)
    html = client.get(reverse("accounts:organization_list")).content.decode()
    assert mine.organization.legal_name in html and other.organization.legal_name not in html
    assert "Authorized representative" in html


def test_officer_sees_every_organization_with_the_foreign_entity_flag(client):
    flagged = owned(("RU", 40))
    OrganizationFactory()
    client.force_login(UserFactory(officer=True))
    resp = client.get(reverse("accounts:organization_list"))
    assert resp.status_code == 200
    assert len(resp.context["organizations"]) == 2
    assert flagged.legal_name in resp.content.decode() and "Flagged" in resp.content.decode()


def test_organization_pages_404_for_non_members(client):
    org = MembershipFactory().organization
    client.force_login(UserFactory())
    for name in ("organization_detail", "organization_edit", "member_add"):
        assert client.get(reverse(f"accounts:{name}", args=[org.pk])).status_code == 404


def test_contributor_sees_the_organization_but_may_not_edit_it_or_add_members(client):
    org = MembershipFactory().organization
    contributor = MembershipFactory(organization=org, role=MemberRole.CONTRIBUTOR).user
    client.force_login(contributor)
    assert client.get(reverse("accounts:organization_detail", args=[org.pk])).status_code == 200
    assert client.get(reverse("accounts:organization_edit", args=[org.pk])).status_code == 403
    assert client.post(reverse("accounts:member_add", args=[org.pk]),
                       {"username": "x", "role": "contributor"}).status_code == 403


def test_aor_edits_the_organization(client):
    org = MembershipFactory().organization
    client.force_login(aor_of(org))
    resp = client.get(reverse("accounts:organization_edit", args=[org.pk]))
    assert resp.status_code == 200 and f'value="{org.uei}"' in resp.content.decode()
    data = {**ORG_DATA, "uei": org.uei, "legal_name": "Renamed Metals LLC", "owners-1-DELETE": "on"}
    resp = client.post(reverse("accounts:organization_edit", args=[org.pk]), data)
    assert resp.status_code == 302
    org.refresh_from_db()
    assert org.legal_name == "Renamed Metals LLC" and org.foreign_owner_countries == ["CN"]


def test_edit_with_invalid_data_changes_nothing(client):
    org = MembershipFactory().organization
    client.force_login(aor_of(org))
    resp = client.post(reverse("accounts:organization_edit", args=[org.pk]), {**ORG_DATA, "ein": "12-345"})
    assert resp.status_code == 200 and "ein" in resp.context["form"].errors
    org.refresh_from_db()
    assert org.legal_name != ORG_DATA["legal_name"]


def test_aor_invites_and_the_invitee_accepts_on_the_web(client):
    org = MembershipFactory().organization
    newcomer = UserFactory()
    officer = UserFactory(officer=True)
    client.force_login(aor_of(org))
    assert client.get(reverse("accounts:member_add", args=[org.pk])).status_code == 200
    answers = []
    for username in (officer.username, "nobody-at-all", newcomer.username):
        resp = client.post(reverse("accounts:member_add", args=[org.pk]), {"username": username, "role": "contributor"},
                           follow=True)
        answers.append([str(m).replace(username, "NAME") for m in resp.context["messages"]])
    assert answers[0] == answers[1] == answers[2]  # staff, unknown and applicant alike
    assert not Membership.objects.filter(organization=org, user=newcomer).exists()

    client.force_login(newcomer)
    page = client.get(reverse("accounts:invitation_list"))
    assert org.legal_name in page.content.decode()
    invitation = newcomer.invitations.get()
    resp = client.post(reverse("accounts:invitation_respond", args=[invitation.pk, "accept"]))
    assert resp.status_code == 302
    assert Membership.objects.get(organization=org, user=newcomer).role == MemberRole.CONTRIBUTOR
    resp = client.post(reverse("accounts:member_remove", args=[org.pk, newcomer.pk]))
    assert resp.status_code == 302 and not Membership.objects.filter(organization=org, user=newcomer).exists()


def test_pages_require_login(client):
    resp = client.get(reverse("accounts:organization_list"))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))
