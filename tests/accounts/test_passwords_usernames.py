"""Passwords and usernames per domain.md ("Sign-in"): 12+ characters, not on the shipped
breached/common list, not one repeated character or short unit, not containing the
username; usernames ASCII letters, digits and . _ - only. Registration answers do not
tell staff accounts from applicants."""

import pytest
from rest_framework.test import APIClient

from accounts.passwords import breached_passwords
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
REGISTER = "/api/v1/auth/register/"


def _register(username="newco", password="Granite-Ledger-Atlas-71", email="ops@newco.example"):
    return APIClient().post(REGISTER, {"username": username, "email": email, "password": password})


@pytest.mark.parametrize("password", [
    "aaaaaaaaaaaa",           # one character repeated
    "passwordpassword",       # a common password repeated
    "abcabcabcabc",           # a short unit repeated
    "Password123456!",        # a common password with digits and a symbol around it
    "iloveyou2026",           # breached list, with a year
    "short-pass1",            # under 12 characters
    "newco-Granite-2026",     # contains the username
])
def test_weak_passwords_are_refused(password):
    response = _register(password=password)
    assert response.status_code == 400, response.json()
    assert response.json()["password"]


def test_a_long_unlisted_passphrase_is_accepted():
    assert _register().status_code == 201


def test_the_list_ships_with_the_project_and_is_large():
    listed = breached_passwords()
    assert len(listed) > 30000 and "password" in listed and "iloveyou" in listed


@pytest.mark.parametrize("username", ["demo_\u043efficer", "jos\u00e9", "a b", "x@y", "plus+sign", "tab\tname"])
def test_non_ascii_or_odd_usernames_are_refused(username):
    response = _register(username=username)
    assert response.status_code == 400 and response.json()["username"]


def test_registration_answer_does_not_tell_staff_from_applicants():
    UserFactory(username="po_lee", officer=True, email="po@agency.example.gov")
    UserFactory(username="maria", email="maria@example.com")
    staff = _register(username="po_lee", email="a1@example.com").json()
    applicant = _register(username="maria", email="a2@example.com").json()
    assert staff["username"] == applicant["username"]
    assert "po_lee" not in str(staff) and "maria" not in str(applicant)
