"""Property-based contract test: every operation of /api/schema/, fed generated input,
answers without a server error and with responses the schema describes.

The schema is loaded from the WSGI app itself (``schemathesis.openapi.from_wsgi``), so
this checks the published contract, not a copy of it.
"""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dpa_funding.wsgi import application
from tests.factories import ApplicationFactory, UserFactory

schema = openapi.from_wsgi("/api/schema/", application)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def keep_connection_open():
    """A raw WSGI call starts and ends with close_old_connections, which would close the
    test's connection (and with it the test transaction); the Django test client avoids
    this, so do we."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(db, keep_connection_open):
    officer = UserFactory(officer=True)
    ApplicationFactory(ready=True)  # something to list, so list responses are not all empty
    return Token.objects.create(user=officer).key


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,  # same cases on every CI run
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_operation_honours_its_schema(case, officer_token):
    case.call_and_validate(headers={"Authorization": f"Token {officer_token}"}, checks=CHECKS)
