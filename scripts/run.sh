#!/usr/bin/env bash
# `make run`: PostgreSQL (embedded unless DATABASE_URL is set), migrations, reference and demo
# data, a Celery worker with beat, and the development server. Ctrl-C stops all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export LOG_FORMAT=${LOG_FORMAT:-plain}
mkdir -p .run/broker/queue .run/broker/processed .run/broker/control
# The server and the worker share Prometheus metrics through this directory (ops/metrics.py):
# http://127.0.0.1:$PORT/metrics shows both. It must start empty.
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-.run/metrics}
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

worker=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$worker" ]; then kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true; fi
  if [ -z "${DATABASE_URL:-}" ]; then
    echo "Stopping the embedded PostgreSQL server"
    "$BIN/python" -m dpa_funding.devdb stop
  fi
}
trap cleanup EXIT INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
  echo "Starting the embedded PostgreSQL server (data in .run/pgdata)"
  "$BIN/python" -m dpa_funding.devdb start >/dev/null
fi

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py load_demo

# Without CELERY_BROKER_URL the worker (with embedded beat) uses kombu's filesystem
# transport under .run/broker: a real worker, no broker server.
echo "Starting the Celery worker (with beat); log: .run/worker.log"
"$BIN/celery" -A dpa_funding worker --beat --pool=solo --loglevel=INFO \
  --schedule=.run/celerybeat-schedule > .run/worker.log 2>&1 &
worker=$!

echo "Serving http://$HOST:$PORT/  (Ctrl-C stops the server, the worker and the database)"
# In the foreground (Ctrl-C reaches it), not exec: the trap then stops the worker and the
# database.
"$BIN/python" manage.py runserver "$HOST:$PORT"
