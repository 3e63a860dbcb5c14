"""Django's PostgreSQL backend whose health check reads the connection's state, not the server.

With CONN_HEALTH_CHECKS (production) Django asks ``is_usable()`` at the first database use
of every request whether the persistent connection still works, and again at a request's
end when an error occurred (``close_if_unusable_or_obsolete``). Django's own answer runs
``SELECT 1``: a round trip on every request. This one decides from what the client already
knows:

- libpq's status is BAD (closed, or broken by an earlier error), or the session is in a
  state where ``SELECT 1`` would fail too (a command running, a failed transaction, no
  answer about the transaction at all): unusable;
- otherwise the socket is polled without waiting. An idle healthy session has nothing to
  read. When a server ends a session (restart, failover, ``pg_terminate_backend``, idle
  timeouts) it sends a FATAL error and closes the socket, so the socket is readable: the
  input is consumed and parsed, and end of file, an error or a FATAL message means
  unusable. Anything else that may arrive while idle (a NOTICE, a LISTEN notification, a
  ParameterStatus) leaves the connection usable and is kept for psycopg as usual.
- any unexpected exception: unusable (Django closes it and connects anew).

The trade-off: a connection that broke without the server's socket telling us (a silent
network partition, a firewall or NAT that forgot the flow, a host that vanished) passes
this check where ``SELECT 1`` would have failed and been replaced before the request used
it. Such a request fails instead: its first statement raises OperationalError, which the
API's exception handler and DatabaseUnavailableMiddleware answer with a 503 the client may
retry. libpq marks the connection BAD, the error sets ``errors_occurred``, and at the end
of that request ``close_if_unusable_or_obsolete`` asks this check, which closes it: the
next request connects anew. (A fully silent partition would make ``SELECT 1`` wait for TCP
to give up as well; neither check can tell without waiting.) Restarts and killed sessions,
the cases the health check exists for, are still replaced before a request uses them.
"""

import select

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import is_psycopg3

if is_psycopg3:
    from psycopg import pq

# A stream of notifications can keep the socket readable; a few reads settle the question.
MAX_READS = 4
_SESSION_ENDED = frozenset({"FATAL", "PANIC"})


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None:
            return False
        if not is_psycopg3:  # psycopg2 exposes no libpq connection to read from
            return super().is_usable()
        try:
            return _usable_without_round_trip(self.connection)
        except Exception:
            return False


def _usable_without_round_trip(connection) -> bool:
    pgconn = connection.pgconn
    if pgconn.status != pq.ConnStatus.OK:  # closed, or broken by an earlier error
        return False
    if pgconn.transaction_status not in (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS):
        return False
    poller = select.poll()
    poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
    for _ in range(MAX_READS):
        if not poller.poll(0):
            return True
        if not _consume(connection, pgconn):
            return False
    return pgconn.status == pq.ConnStatus.OK


def _consume(connection, pgconn) -> bool:
    """Read and parse what arrived while idle; False when it ended the session."""
    ended = []

    def watch(diagnostic):
        if (diagnostic.severity_nonlocalized or diagnostic.severity) in _SESSION_ENDED:
            ended.append(diagnostic)

    connection.add_notice_handler(watch)
    try:
        pgconn.consume_input()  # raises on end of file or a socket error (status BAD)
        pgconn.is_busy()  # parses it: notices reach the handlers, ParameterStatus is applied
    finally:
        connection.remove_notice_handler(watch)
    return pgconn.status == pq.ConnStatus.OK and not ended
