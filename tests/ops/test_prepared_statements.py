"""Prepared statements: a statement a connection has run five times is planned once.

dpa_funding/settings/base.py (postgresql_options) turns on psycopg's server-side binding and
prepare threshold, which Django leaves off. These tests read the server's own record of the
session (pg_prepared_statements), so they fail if the options stop reaching the connection.
"""

import pytest
from django.db import connection

from applications.choices import ApplicationStatus
from dpa_funding.settings.base import database_from_url, postgresql_options
from tests.factories import ApplicationFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

PREPARED = "SELECT statement FROM pg_prepared_statements WHERE NOT from_sql"


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(PREPARED)
        return [row[0] for row in cursor.fetchall()]


def test_postgresql_urls_get_prepared_statements_and_keep_their_own_options(monkeypatch):
    monkeypatch.setenv("PS_URL", "postgres://u@db.example:5432/x?sslmode=require")
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = database_from_url("PS_URL")["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5, "sslmode": "require"}


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler(monkeypatch):
    monkeypatch.setenv("PS_URL", "postgres://u@db.example:5432/x")
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert postgresql_options() == {}
    assert "prepare_threshold" not in database_from_url("PS_URL").get("OPTIONS", {})


def test_the_test_database_connection_uses_them():
    # Django passes prepare_threshold=None (never prepare) unless OPTIONS says otherwise.
    assert connection.connection.prepare_threshold == 5


def test_a_repeated_list_request_is_prepared_by_the_server(client_for):
    opportunity = OpportunityFactory()
    ApplicationFactory.create_batch(3, opportunity=opportunity, status=ApplicationStatus.SUBMITTED)
    officer = client_for(UserFactory(officer=True))
    url = f"/api/v1/applications/?status=submitted&opportunity={opportunity.pk}&ordering=-submitted_at"

    assert not [s for s in _prepared_statements() if "applications_application" in s]
    for _ in range(6):
        response = officer.get(url)
        assert response.status_code == 200 and response.json()["count"] == 3
    prepared = [s for s in _prepared_statements() if "applications_application" in s]
    # The page's one statement, with its filters as parameters ($1...), not literals.
    assert any("submitted_at" in s and "$1" in s for s in prepared), prepared
