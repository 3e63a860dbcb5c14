"""A database that went away answers 503 (JSON under /api/), never a 500."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from dpa_funding.middleware import DatabaseUnavailableMiddleware

pytestmark = pytest.mark.django_db


def test_an_api_view_meeting_a_dead_connection_answers_503_json(client_for):
    from tests.factories import UserFactory

    client = client_for(UserFactory())
    with mock.patch("rest_framework.generics.GenericAPIView.paginate_queryset",
                    side_effect=OperationalError("server closed the connection unexpectedly")):
        response = client.get("/api/v1/minerals/")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"]


@pytest.mark.parametrize(("path", "json_body"), [("/api/v1/x/", True), ("/applications/", False)])
def test_the_middleware_answers_503_for_other_views(path, json_body):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    response = middleware.process_exception(RequestFactory().get(path), OperationalError("down"))
    assert response.status_code == 503
    assert (response["Content-Type"] == "application/json") is json_body
    assert middleware.process_exception(RequestFactory().get(path), ValueError()) is None
