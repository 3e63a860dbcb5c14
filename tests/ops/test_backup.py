"""manage.py backup, then manage.py restore into a fresh database: everything comes back.

Every stored file (uploaded documents, award letters) is checked against the sha256 the
restored database records for it; a damaged backup and a non-empty target are refused.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command, get_commands
from django.db import connection, models

from applications.models import Document
from awards import letters
from awards.models import Award
from ops import backup
from tests.awards.factories import issue, negotiation_app
from tests.factories import ApplicationFactory

ROOT = Path(__file__).resolve().parents[2]


def _conninfo(name: str) -> dict:
    s = connection.settings_dict
    return {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"],
            "password": s["PASSWORD"] or None, "dbname": name}


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _stored_files(dbname: str) -> list[tuple[str, str, str | None]]:
    """(model, file name, recorded sha256 or None) for every FileField value in ``dbname``."""
    hashes = {(Document, "file"): "sha256", (Award, "letter_file"): "letter_sha256"}
    rows = []
    with psycopg.connect(**_conninfo(dbname)) as conn:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.FileField):
                    continue
                digest = hashes.get((model, field.name))
                cols = field.column + (f", {model._meta.get_field(digest).column}" if digest else "")
                for row in conn.execute(f"SELECT {cols} FROM {model._meta.db_table} "
                                        f"WHERE {field.column} <> ''"):
                    rows.append((model.__name__, row[0], row[1] if digest else None))
    return rows


@pytest.mark.integration
@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_every_file_intact(
        settings, tmp_path, fresh_database):
    app = ApplicationFactory(ready=True)
    for doc in Document.objects.filter(application=app):  # record each file's real digest
        Document.objects.filter(pk=doc.pk).update(
            sha256=hashlib.sha256(doc.file.read()).hexdigest())
    award = issue(negotiation_app())
    letters.award_letter_generate(award_id=award.pk, version=award.terms_version)
    source = _stored_files(connection.settings_dict["NAME"])
    assert {m for m, _, _ in source} >= {"Document", "Award"}

    target = tmp_path / "backup"
    call_command("backup", output=str(target))
    manifest = backup.read_manifest(target)
    assert set(manifest["media"]) == {name for _, name, _ in source}

    restored_media = tmp_path / "restored-media"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dpa_funding.settings.test",
           "MEDIA_ROOT": str(restored_media),
           "DATABASE_URL": "postgres://{user}@{host}:{port}/{dbname}".format(
               **_conninfo(fresh_database))}
    done = subprocess.run([sys.executable, "manage.py", "restore", str(target)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr

    restored = _stored_files(fresh_database)
    assert sorted(restored) == sorted(source)
    for _model, name, digest in restored:
        data = (restored_media / name).read_bytes()
        if digest is not None:
            assert hashlib.sha256(data).hexdigest() == digest, name
    with psycopg.connect(**_conninfo(fresh_database)) as conn:
        count = conn.execute(f"SELECT count(*) FROM {Award._meta.db_table}").fetchone()[0]
    assert count == Award.objects.count()

    if "verify_audit_log" in get_commands():  # the audit chain survives a restore
        check = subprocess.run([sys.executable, "manage.py", "verify_audit_log"], cwd=ROOT,
                               env=env, capture_output=True, text=True, timeout=300)
        assert check.returncode == 0, check.stdout + check.stderr

    # A second restore into the now non-empty database is refused, changing nothing.
    again = subprocess.run([sys.executable, "manage.py", "restore", str(target)], cwd=ROOT,
                           env={**env, "MEDIA_ROOT": str(tmp_path / "other")},
                           capture_output=True, text=True, timeout=300)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_damaged_backup_is_refused_before_any_change(tmp_path):
    target = tmp_path / "b"
    target.mkdir()
    (target / backup.DUMP).write_bytes(b"dump")
    (target / backup.MEDIA).write_bytes(b"tar")
    (target / backup.MANIFEST).write_text(json.dumps({"format": 1, "media": {}, "files": {
        backup.DUMP: hashlib.sha256(b"dump").hexdigest(),
        backup.MEDIA: hashlib.sha256(b"tar").hexdigest()}}))
    assert backup.read_manifest(target)["format"] == 1
    (target / backup.DUMP).write_bytes(b"dumq")
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.read_manifest(target)
