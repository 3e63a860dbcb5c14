"""Shared pieces of the HTTP benchmarks: a throw-away PostgreSQL database, Django set-up,
a gunicorn server on a free loopback port, and a bounded concurrent load loop.

Nothing here asserts a time: the benchmarks print figures, and the README records them.
"""

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _server_cfg(name: str) -> dict:
    from environ import Env

    cfg = Env.db_url_config(SERVER_URL)
    if not name.startswith("dpa_bench"):
        sys.exit(f"Refusing to use database {name!r}: its name must start with 'dpa_bench'.")
    cfg["NAME"] = name
    return cfg


def database_url(name: str) -> str:
    cfg = _server_cfg(name)
    auth = cfg["USER"] or "postgres"
    if cfg["PASSWORD"]:
        auth += f":{cfg['PASSWORD']}"
    return f"postgres://{auth}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{name}"


def _maintenance():
    import psycopg

    cfg = _server_cfg("dpa_bench_maintenance")
    return psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                           password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)


def recreate_database(name: str) -> None:
    _server_cfg(name)  # refuses names that are not ours
    with _maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    _server_cfg(name)
    with _maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(db_name: str, settings_module: str = "dpa_funding.settings.test") -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ["DATABASE_URL"] = database_url(db_name)
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(db_name: str, **extra: str) -> dict:
    """Production settings over plain HTTP on loopback, with throttling out of the way
    (one user drives the whole load) and a throw-away secret."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "dpa_funding.settings.production",
        "DJANGO_SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(db_name),
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_USER": "1000000/minute",
        "API_THROTTLE_ANON": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    })
    env.update(extra)
    return env


@contextlib.contextmanager
def gunicorn(app: str, env: dict, workers: int = 2) -> Iterator[str]:
    """Serve ``app`` (a WSGI path) with gunicorn sync workers; yields the base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--worker-class", "sync", "--timeout", "120",
           "--log-level", "warning", "--config", str(ROOT / "bench" / "gunicorn_bench.conf.py")]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def http(method: str, url: str, *, token: str | None = None, body: bytes | None = None,
         content_type: str | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method)
    if token:
        req.add_header("Authorization", f"Token {token}")
    if content_type:
        req.add_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def http_json(method: str, url: str, payload=None, **kw) -> tuple[int, dict]:
    body = json.dumps(payload).encode() if payload is not None else None
    status, raw = http(method, url, body=body, content_type="application/json" if body else None, **kw)
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, {"raw": raw[:200].decode(errors="replace")}


def latencies(fetch: Callable[[int], int], *, requests: int, concurrency: int) -> dict:
    """Run ``fetch(i)`` ``requests`` times from ``concurrency`` threads; returns p50/p90 (ms),
    throughput and the count of non-200 answers."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker():
        nonlocal errors
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            t0 = time.perf_counter()
            status = fetch(i)
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                times.append(dt)
                if status != 200:
                    errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    times.sort()
    return {
        "p50": statistics.median(times),
        "p90": times[int(len(times) * 0.9) - 1] if len(times) >= 10 else times[-1],
        "rps": len(times) / wall,
        "errors": errors,
    }


def api_token(user) -> str:
    """A token for ``user`` made straight in the database (the bench measures lists and
    submissions, not sign-in, and staff tokens would need a second factor)."""
    try:
        from knox.models import AuthToken  # django-rest-knox, when installed
    except ImportError:
        from rest_framework.authtoken.models import Token

        return Token.objects.get_or_create(user=user)[0].key
    return AuthToken.objects.create(user)[1]
