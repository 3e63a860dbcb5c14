"""The connection health check costs no round trip and still replaces dead connections.

dpa_funding/db/postgresql/base.py: ``is_usable()`` reads libpq's state and polls the socket
instead of running ``SELECT 1``. These tests use real sessions: a second connection ends
the first one's server process (as a restart does), and the request-level tests drive
Django's own request cycle (the WSGI handler and its request_started/request_finished
signals, which the test client leaves out) with production's persistent, health-checked
connections.
"""

import os
import select
import socket
import threading
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import RequestFactory

from dpa_funding.db.postgresql.base import DatabaseWrapper
from dpa_funding.settings.base import database_from_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    """A Django connection of its own (not the test's), connected."""
    conn = connections.create_connection("default")
    conn.ensure_connection()
    yield conn
    conn.close()


@pytest.fixture
def observer():
    """A second session, to watch and end the first one's server process."""
    conn = connections.create_connection("default")
    conn.ensure_connection()
    conn.connection.autocommit = True
    yield conn.connection
    conn.close()


def _backend_pid(conn) -> int:
    return conn.connection.info.backend_pid


def _wait_readable(conn, seconds=5.0) -> None:
    poller = select.poll()
    poller.register(conn.connection.fileno(), select.POLLIN)
    assert poller.poll(seconds * 1000), "nothing arrived on the socket"


def test_the_settings_select_the_backend_for_postgresql_urls(monkeypatch):
    assert isinstance(connections["default"], DatabaseWrapper)
    monkeypatch.setenv("HC_URL", "postgres://u@db.example:5432/x")
    assert database_from_url("HC_URL")["ENGINE"] == "dpa_funding.db.postgresql"
    monkeypatch.setenv("HC_URL", "sqlite:////tmp/x.sqlite3")
    assert database_from_url("HC_URL")["ENGINE"] == "django.db.backends.sqlite3"


def test_a_healthy_idle_connection_is_usable(session):
    with session.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert session.is_usable() is True


def test_the_health_check_sends_no_statement(session, observer):
    with session.cursor() as cursor:
        cursor.execute("SELECT 'health-check probe'")
    for _ in range(3):
        assert session.is_usable() is True
    # The server's own record of the session's last statement: Django's check would have
    # replaced it with SELECT 1.
    last = observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s",
                            [_backend_pid(session)]).fetchone()[0]
    assert last == "SELECT 'health-check probe'"


def test_a_connection_whose_server_process_was_terminated_is_unusable(session, observer):
    # Ends the process as a restart does (FATAL "terminating connection due to
    # administrator command", then the socket closes); waits up to 5 s for it to exit.
    assert observer.execute("SELECT pg_terminate_backend(%s, 5000)",
                            [_backend_pid(session)]).fetchone()[0]
    assert session.is_usable() is False


def test_a_session_the_server_timed_out_is_unusable(session):
    with session.cursor() as cursor:
        cursor.execute("SET idle_session_timeout = '50ms'")
    _wait_readable(session)
    time.sleep(0.2)  # the FATAL message and the close
    assert session.is_usable() is False


def test_a_notification_while_idle_leaves_the_connection_usable(session, observer):
    with session.cursor() as cursor:
        cursor.execute("LISTEN health_check_probe")
    observer.execute("NOTIFY health_check_probe, 'hello'")
    _wait_readable(session)
    assert session.is_usable() is True
    # Nothing was lost: psycopg still delivers it with the next statement, which works.
    received = []
    session.connection.add_notify_handler(received.append)
    with session.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
    assert [n.payload for n in received] == ["hello"]


def test_a_closed_connection_is_unusable(session):
    session.connection.close()
    assert session.is_usable() is False


# Request level: production's connection settings, Django's request cycle.


@pytest.fixture
def persistent(monkeypatch):
    """The default connection as production configures it (read at connect time)."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    yield connection
    connection.close()


@pytest.fixture
def serve():
    handler = WSGIHandler()

    def request(path, **headers):
        environ = RequestFactory().get(path, **headers).environ
        statuses = []
        response = handler(environ, lambda status, _headers: statuses.append(status))
        try:
            body = b"".join(response)
        finally:
            response.close()  # request_finished: close_if_unusable_or_obsolete
        return int(statuses[0].split()[0]), body

    return request


@pytest.fixture
def api_token(token_for):
    from tests.factories import UserFactory

    return {"HTTP_AUTHORIZATION": f"Token {token_for(UserFactory())}"}


def _break_silently(conn) -> None:
    """The network loses the session without a word: nothing arrives on the socket, and
    the first statement sent finds it gone (the far end closes when it gets one)."""
    ours, far = socket.socketpair()
    os.dup2(ours.fileno(), conn.connection.fileno())  # the real socket to the server closes
    ours.close()

    def close_on_first_bytes():
        far.recv(1)
        far.close()

    threading.Thread(target=close_on_first_bytes, daemon=True).start()


@pytest.mark.django_db(transaction=True)
def test_a_request_after_a_restart_like_termination_gets_a_new_connection(
        persistent, serve, api_token, observer):
    assert serve("/api/v1/minerals/", **api_token)[0] == 200
    first = _backend_pid(persistent)
    assert observer.execute("SELECT pg_terminate_backend(%s, 5000)", [first]).fetchone()[0]

    assert serve("/api/v1/minerals/", **api_token)[0] == 200
    assert _backend_pid(persistent) != first


@pytest.mark.django_db(transaction=True)
def test_a_silently_broken_connection_fails_one_request_with_503_and_is_replaced(
        persistent, serve, api_token, monkeypatch):
    checks = []
    is_usable = DatabaseWrapper.is_usable
    monkeypatch.setattr(DatabaseWrapper, "is_usable",
                        lambda self: checks.append(is_usable(self)) or checks[-1])
    assert serve("/api/v1/minerals/", **api_token)[0] == 200
    _break_silently(persistent)
    checks.clear()

    status, body = serve("/api/v1/minerals/", **api_token)
    assert status == 503, body
    assert b'"code":"service_unavailable"' in body
    # The check could not see it; the failed statement could, and the request's end
    # (errors_occurred) asked again and dropped the connection.
    assert checks == [True, False]
    assert persistent.connection is None

    assert serve("/api/v1/minerals/", **api_token)[0] == 200


@pytest.mark.django_db(transaction=True)
def test_an_html_view_meeting_a_silently_broken_connection_answers_503(
        persistent, serve, monkeypatch):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    cookie = {"HTTP_COOKIE": f"sessionid={client.cookies['sessionid'].value}"}
    healthy = serve("/applications/", **cookie)[0]
    assert healthy < 500
    _break_silently(persistent)

    status, body = serve("/applications/", **cookie)
    assert status == 503, body[:300]
    assert persistent.connection is None
    assert serve("/applications/", **cookie)[0] == healthy
