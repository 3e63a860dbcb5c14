"""Parser limits and JSON errors under /api/ (issue 10, item 8)."""

import io
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from dpa_funding.api.parsers import LimitedJSONParser

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.hardening.urls")]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post_json(body: str, path="/api/v1/_test/echo/"):
    return Client(raise_request_exception=False).post(path, body, content_type="application/json")


def test_a_10kb_deeply_nested_body_is_a_400_not_a_500():
    body = nested(5000)
    assert len(body) == 10_000
    response = post_json(body)
    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"


def test_the_token_endpoint_refuses_deep_json_too():
    response = post_json(json.dumps({"username": json.loads(nested(40)), "password": "x"}),
                         path="/api/v1/auth/token/")
    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"


def test_nesting_is_limited_below_what_python_can_decode(settings):
    settings.API_JSON_MAX_DEPTH = 32
    assert post_json(nested(32)).status_code == 200
    response = post_json(json.dumps({"a": json.loads(nested(32))}))
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body nests more than 32 levels.", "code": "json_too_deep"}


def test_ordinary_json_still_parses():
    response = post_json(json.dumps({"budget": {"lines": [{"amount": "1.00"}]}}))
    assert response.status_code == 200
    assert response.json() == {"received": {"budget": {"lines": [{"amount": "1.00"}]}}}


def test_an_oversized_json_body_is_a_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = post_json(json.dumps({"summary": "x" * 2000}))
    assert response.status_code == 400
    assert response.json()["code"] == "body_too_large"


def test_the_size_limit_holds_without_a_content_length(settings, rf):
    """A chunked body has no Content-Length: the parser stops reading past the limit."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    stream = io.BytesIO(json.dumps({"summary": "x" * 5000}).encode())
    request = rf.post("/api/v1/_test/echo/")
    request.META.pop("CONTENT_LENGTH", None)
    with pytest.raises(Exception) as caught:
        LimitedJSONParser().parse(stream, "application/json", {"request": request, "encoding": "utf-8"})
    assert caught.value.get_codes() == "body_too_large"
    assert stream.tell() == 1025  # read the limit plus one byte, never the whole body


def test_an_oversized_form_body_under_api_is_json(settings):
    # JSON endpoints parse no form bodies at all (issue 11): refused unread, still as JSON.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = Client(raise_request_exception=False).post(
        "/api/v1/_test/echo/", "summary=" + "x" * 4000, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize("path", ["/api/v1/_test/explode/", "/api/v1/_test/explode-plain/"])
def test_a_500_under_api_is_json_in_production(settings, path):
    settings.DEBUG = False
    response = Client(raise_request_exception=False, HTTP_X_REQUEST_ID="req-12345678").get(path)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The server could not complete the request.",
                               "code": "server_error", "request_id": "req-12345678"}
    assert b"unexpected bug" not in response.content


def test_a_500_outside_api_stays_the_html_page(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/_test/explode/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_a_disallowed_host_under_api_is_json(settings):
    settings.ALLOWED_HOSTS = ["dpa.example.gov"]
    response = APIClient(raise_request_exception=False).get("/api/v1/minerals/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
