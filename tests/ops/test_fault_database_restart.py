"""Fault: PostgreSQL restarts while a gunicorn server answers API requests.

The test runs its own PostgreSQL on a free port (never the shared one) and gunicorn with
production settings (persistent connections, CONN_HEALTH_CHECKS) against it. Requests that
meet the database down answer 503 with the API's JSON error body; once it is back the same
server processes answer 200 again, without a restart.
"""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from .procs import BIN, ROOT, PostgresServer, Proc, free_port, port_open, wait_until


def _get(url: str, token: str) -> tuple[int, dict | None]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}",
                                                   "Host": "127.0.0.1"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, json.loads(body)
        except ValueError:
            return exc.code, {"raw": body[:300].decode(errors="replace")}
    except OSError as exc:  # no HTTP answer at all: recorded, and the test fails on it
        return 0, {"error": repr(exc)}


@pytest.mark.integration
@pytest.mark.timeout(900)
def test_requests_fail_cleanly_while_the_database_restarts_and_then_recover(tmp_path):
    import os
    import subprocess

    pg = PostgresServer(tmp_path)
    pg.start()
    server = None
    try:
        env = os.environ.copy()
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        env.update({
            "DJANGO_SETTINGS_MODULE": "dpa_funding.settings.production",
            "DATABASE_URL": pg.url, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
            "DJANGO_SECRET_KEY": "fault-test-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "false",
            "API_THROTTLE_USER": "100000/minute", "MEDIA_ROOT": str(tmp_path / "media"),
            "GUNICORN_WORKERS": "2", "LOG_FORMAT": "json",
        })
        subprocess.run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"],
                       cwd=ROOT, env=env, check=True, timeout=600)
        token = subprocess.run(
            [str(BIN / "python"), "manage.py", "shell", "-c",
             "from accounts.models import User; from knox.models import AuthToken;"
             "u = User.objects.create_user('restart_probe', password='x-Restart-Probe-2026');"
             "print(AuthToken.objects.create(u)[1])"],
            cwd=ROOT, env=env, check=True, timeout=300, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]

        port = free_port()
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        server = Proc([str(BIN / "gunicorn"), "dpa_funding.wsgi:application"], env,
                      tmp_path / "gunicorn.log")
        wait_until(lambda: port_open(port), 120, what="gunicorn listening")
        url = f"http://127.0.0.1:{port}/api/v1/minerals/"
        assert _get(url, token)[0] == 200
        master = server.pid

        results, stop = [], threading.Event()

        def hammer():
            while not stop.is_set():
                results.append(_get(url, token))
                time.sleep(0.05)

        thread = threading.Thread(target=hammer, daemon=True)
        thread.start()
        time.sleep(1)
        pg.stop()
        time.sleep(3)  # requests meet the database down
        down_results = len(results)
        pg.start()
        wait_until(lambda: any(s == 200 for s, _ in results[down_results:]), 60,
                   what="a 200 after the restart")
        time.sleep(2)
        stop.set()
        thread.join(60)

        statuses = [s for s, _ in results]
        assert set(statuses) <= {200, 503}, (
            [r for r in results if r[0] not in (200, 503)][:5], server.output())
        failures = [body for s, body in results if s == 503]
        assert failures, "no request met the database down; nothing was tested"
        assert all(body == {"detail": failures[0]["detail"], "code": "service_unavailable"}
                   for body in failures), failures[:3]
        # Recovered without a restart: the same master, and the last requests all succeed.
        assert server.alive() and server.pid == master
        assert statuses[-5:] == [200] * 5, statuses[-20:]
        health = urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                   headers={"Host": "127.0.0.1"}), timeout=30)
        assert json.loads(health.read())["database"] == "ok"
    finally:
        if server:
            server.stop()
        if pg.running():
            try:
                pg.stop()
            except AssertionError:  # already down; keep the test's own failure visible
                pass
        pg.remove()
