#!/usr/bin/env bash
# Fail (never skip) when the PostgreSQL or Redis the test suite needs is not reachable.
set -euo pipefail
pg_host=${PGHOST:-127.0.0.1}
ok=1
if ! pg_isready -h "$pg_host" -p "${PGPORT:-5432}" -q; then
  echo "PostgreSQL is not reachable at $pg_host:${PGPORT:-5432}; the tests need it." >&2
  ok=0
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  echo "Redis is not reachable at 127.0.0.1:6379; the tests need it." >&2
  ok=0
fi
[ "$ok" -eq 1 ]
