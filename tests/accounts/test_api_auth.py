import pytest
from knox.models import AuthToken

from accounts.choices import MemberRole, Role
from accounts.models import User
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_token_is_issued_for_valid_credentials_and_authenticates_requests(api_client):
    user = UserFactory(username="alice")
    response = api_client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert AuthToken.objects.get(user=user).token_key == body["token"][:15]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/auth/me/").json()["username"] == "alice"


def test_token_refused_for_wrong_password_with_error_body(api_client):
    UserFactory(username="alice")
    response = api_client.post("/api/v1/auth/token/", {"username": "alice", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not AuthToken.objects.exists()


def test_register_creates_an_applicant(api_client):
    response = api_client.post("/api/v1/auth/register/", {
        "username": "newco", "email": "ops@newco.example", "password": "a-long-enough-passphrase-9",
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["role"] == "applicant" and body["username"] == "newco" and "password" not in body
    user = User.objects.get(username="newco")
    assert user.role == Role.APPLICANT and user.check_password("a-long-enough-passphrase-9")


@pytest.mark.parametrize("password", ["short1", "password1234", "123456789012"])
def test_register_applies_password_validators(api_client, password):
    response = api_client.post("/api/v1/auth/register/", {
        "username": "newco", "email": "ops@newco.example", "password": password,
    }, format="json")
    assert response.status_code == 400
    assert response.json()["password"]
    assert not User.objects.filter(username="newco").exists()


def test_register_refuses_taken_username(api_client):
    UserFactory(username="taken")
    response = api_client.post("/api/v1/auth/register/", {
        "username": "TAKEN", "email": "x@example.com", "password": "a-long-enough-passphrase-9",
    }, format="json")
    assert response.status_code == 400 and "username" in response.json()


def test_me_lists_organizations_with_member_role(client_for):
    membership = MembershipFactory(role=MemberRole.CONTRIBUTOR)
    response = client_for(membership.user).get("/api/v1/auth/me/")
    assert response.status_code == 200
    assert response.json() == {
        "id": membership.user.pk, "username": membership.user.username, "email": membership.user.email,
        "role": "applicant",
        "organizations": [{"id": membership.organization_id, "legal_name": membership.organization.legal_name,
                           "member_role": "contributor"}],
    }


def test_unauthenticated_requests_get_401_with_error_body(api_client):
    response = api_client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_session_auth_enforces_csrf(db):
    from rest_framework.test import APIClient

    UserFactory(username="bob")
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="bob", password=PASSWORD)
    assert client.get("/api/v1/auth/me/").status_code == 200
    response = client.post("/api/v1/organizations/", {"legal_name": "X"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
