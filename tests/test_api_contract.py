"""Property-based contract test: every operation of /api/schema/, fed generated input,
answers without a server error and with responses the schema describes, authenticated as
each role that uses the API (applicant, reviewer, program officer).

The schema is loaded from the WSGI app itself (``schemathesis.openapi.from_wsgi``), so
this checks the published contract, not a copy of it.
"""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from applications.choices import ApplicationStatus
from dpa_funding.wsgi import application
from reviews.choices import AssignmentStatus
from tests.factories import ApplicationFactory, UserFactory, aor_of
from tests.reviews.factories import ReviewAssignmentFactory
from tests.tokens import token_for

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


def _issue_token(user) -> str:
    """A token made directly, as staff sign-in may need a second factor the test lacks."""
    return token_for(user)


@pytest.fixture(params=["applicant", "reviewer", "officer"])
def role_token(request, db, keep_connection_open):
    """A token for each role, with something of theirs to list so responses are not all empty:
    an application under review with an active assignment, and a draft of the applicant's."""
    reviewed = ApplicationFactory(ready=True, status=ApplicationStatus.UNDER_REVIEW)
    reviewer = UserFactory(reviewer=True)
    ReviewAssignmentFactory(application=reviewed, reviewer=reviewer, status=AssignmentStatus.ACTIVE)
    users = {
        "applicant": aor_of(reviewed.organization),
        "reviewer": reviewer,
        "officer": UserFactory(officer=True),
    }
    ApplicationFactory(ready=True, organization=reviewed.organization)
    return _issue_token(users[request.param])


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,  # same cases on every CI run
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_operation_honours_its_schema(case, role_token):
    case.call_and_validate(headers={"Authorization": f"Token {role_token}"}, checks=CHECKS)
