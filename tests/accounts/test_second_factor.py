"""Second factor (django-otp TOTP and recovery codes): required for staff on the web, the
admin and before an API token is issued; optional for applicants."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import mfa
from tests.factories import PASSWORD, UserFactory
from tests.tokens import TEST_TOTP_SECRET, totp_code

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def officer():
    user = UserFactory(username="po_lee", officer=True)
    mfa.enrol(user, secret=TEST_TOTP_SECRET)
    return user


def _later(seconds=5):
    """django-otp slows retries after a wrong code (1 s, 2 s, ...): step past the wait."""
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


def _token(username, **extra):
    return APIClient().post(TOKEN, {"username": username, "password": PASSWORD, **extra})


def test_staff_token_needs_the_code(officer):
    response = _token("po_lee")
    assert response.status_code == 401 and response.json()["code"] == "otp_required"
    assert _token("po_lee", otp="000000").status_code == 401
    assert _token("po_lee", otp=totp_code()).status_code == 401  # too soon after a wrong code
    with _later():
        assert _token("po_lee", otp=totp_code()).status_code == 200


def test_a_code_is_accepted_once(officer):
    code = totp_code()
    assert _token("po_lee", otp=code).status_code == 200
    assert _token("po_lee", otp=code).status_code == 401


def test_staff_without_an_enrolled_factor_get_no_token():
    UserFactory(username="rev", reviewer=True)
    response = _token("rev")
    assert response.status_code == 401 and response.json()["code"] == "otp_required"


def test_recovery_code_works_once():
    user = UserFactory(username="po_lee", officer=True)
    _device, codes = mfa.enrol(user)
    assert _token("po_lee", otp=codes[0]).status_code == 200
    assert _token("po_lee", otp=codes[0]).status_code == 401


def test_applicants_may_enrol_and_then_must_use_it():
    applicant = UserFactory(username="maria")
    assert _token("maria").status_code == 200
    mfa.enrol(applicant, secret=TEST_TOTP_SECRET)
    assert _token("maria").status_code == 401
    assert _token("maria", otp=totp_code()).status_code == 200


def test_wrong_codes_count_towards_the_lockout(officer):
    for _ in range(5):
        _token("po_lee", otp="123456")
    response = _token("po_lee", otp=totp_code())
    assert response.status_code == 429 and response.json()["code"] == "locked_out"


def test_web_sign_in_of_staff_waits_for_the_code(client, officer):
    response = client.post("/accounts/login/", {"username": "po_lee", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    assert "/accounts/login/" in client.get("/")["Location"]  # not signed in yet
    assert client.post("/accounts/login/code/", {"otp": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session
    with _later():
        response = client.post("/accounts/login/code/", {"otp": totp_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert "/accounts/login/" not in client.get("/").get("Location", "")


def test_web_sign_in_of_applicants_without_a_factor_is_one_step(client):
    UserFactory(username="maria")
    response = client.post("/accounts/login/", {"username": "maria", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_admin_login_needs_the_code(client):
    admin = UserFactory(username="root", admin=True)
    mfa.enrol(admin, secret=TEST_TOTP_SECRET)
    client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    client.post("/admin/login/", {"username": "root", "password": PASSWORD, "otp_token": "000000"})
    assert "_auth_user_id" not in client.session
    with _later():
        response = client.post("/admin/login/", {"username": "root", "password": PASSWORD,
                                                  "otp_token": totp_code()})
    assert response.status_code == 302, response.context["form"].errors
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_applicant_enrols_on_the_security_page(client):
    user = UserFactory(username="maria")
    client.force_login(user)
    page = client.post("/accounts/security/", {"action": "enrol"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "otpauth://totp/" in html and "<svg" in html
    assert mfa.has_second_factor(user) and mfa.remaining_recovery_codes(user) == mfa.RECOVERY_CODE_COUNT


def test_create_user_prints_the_enrolment_for_staff():
    out = io.StringIO()
    call_command("create_user", "jdoe", "--role", "program_officer", "--email", "jdoe@agency.example.gov",
                 "--password", PASSWORD, stdout=out)
    text = out.getvalue()
    assert re.search(r"otpauth://totp/[^\s]*secret=[A-Z2-7]+", text)
    assert "recovery codes" in text


def test_create_user_enrols_a_given_secret():
    call_command("create_user", "jdoe", "--role", "reviewer", "--email", "jdoe@agency.example.gov",
                 "--password", PASSWORD, "--totp-secret", TEST_TOTP_SECRET, stdout=io.StringIO())
    assert _token("jdoe", otp=totp_code()).status_code == 200
