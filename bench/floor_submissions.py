"""The floor for the submission burst: the same three kinds of request, the least work each.

A bare WSGI app served by the same gunicorn as the app: one hand-written SQL statement per
request, the standard ``json`` module, and the upload written to disk with its SHA-256 as
the app stores it. No framework, no authentication, no validation, no audit log, no
notifications: the ratio app/floor is the price of everything Django, DRF and our rules add.

- ``POST /api/v1/applications/``: one INSERT of the body's fields (every other column copied
  from the first seeded application, in the same statement); 201 with the id.
- ``POST /api/v1/applications/<id>/documents/``: the file part written under
  ``FLOOR_MEDIA_ROOT``, one INSERT of the document row; 201.
- ``POST /api/v1/applications/<id>/transitions/submit/``: one UPDATE draft → submitted; 200.

    gunicorn bench.floor_submissions:application   (DATABASE_URL and FLOOR_MEDIA_ROOT set)
"""

import hashlib
import json
import os
import re
import uuid
from pathlib import Path

import psycopg

_conn = None
_template_id = None
CREATE_FIELDS = ("opportunity", "organization", "project", "title", "instrument", "federal_amount_requested",
                 "cost_share_amount", "period_start", "period_end", "summary")
_DOCUMENTS = re.compile(r"^/api/v1/applications/(\d+)/documents/$")
_SUBMIT = re.compile(r"^/api/v1/applications/(\d+)/transitions/submit/$")


def _connection():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1),
                                autocommit=True)
    return _conn


def _columns(conn) -> list[str]:
    rows = conn.execute("SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = 'applications_application' ORDER BY ordinal_position").fetchall()
    return [r[0] for r in rows]


_insert_sql = None


GIVEN_COLUMNS = ("opportunity_id", "organization_id", "project_id", *CREATE_FIELDS[3:], "budget_equipment",
                 "budget_construction")


def _prepare(conn) -> None:
    """The create statement (every column not in the body copied from a seeded application)
    and that application's id; also used by ``floor_django.py`` on Django's connection."""
    global _insert_sql, _template_id
    _template_id = conn.execute("SELECT min(id) FROM applications_application").fetchone()[0]
    copied = [c for c in _columns(conn) if c not in GIVEN_COLUMNS and c != "id"]
    names = list(GIVEN_COLUMNS) + copied
    values = ["%s"] * len(GIVEN_COLUMNS) + [
        {"status": "'draft'", "created_at": "now()", "updated_at": "now()", "submitted_at": "NULL",
         "submitted_record": "NULL"}.get(c, c) for c in copied]
    # Column names come from the catalogue, values are parameters.
    _insert_sql = (f"INSERT INTO applications_application ({', '.join(names)}) "  # nosec B608
                   f"SELECT {', '.join(values)} FROM applications_application WHERE id = %s RETURNING id")


def _create(body: bytes):
    conn = _connection()
    data = json.loads(body)
    given = {(f"{f}_id" if f in ("opportunity", "organization", "project") else f): data[f] for f in CREATE_FIELDS}
    given["budget_equipment"] = data["budget"]["equipment"]
    given["budget_construction"] = data["budget"]["construction"]
    if _insert_sql is None:
        _prepare(conn)
    row = conn.execute(_insert_sql, [*given.values(), _template_id]).fetchone()
    return "201 Created", {"id": row[0]}


UPLOAD_SQL = (
    "INSERT INTO applications_document (application_id, kind, file, original_name, size, content_type, "
    "sha256, uploaded_by_id, uploaded_at) SELECT %s, %s, %s, %s, %s, 'application/pdf', %s, "
    "(SELECT m.user_id FROM accounts_membership m WHERE m.organization_id = a.organization_id "
    "ORDER BY m.id LIMIT 1), now() FROM applications_application a WHERE a.id = %s RETURNING id")
SUBMIT_SQL = ("UPDATE applications_application SET status = 'submitted', submitted_at = now() "
              "WHERE id = %s AND status = 'draft' RETURNING id")


def _file_part(body: bytes, content_type: str) -> tuple[str, str, bytes]:
    boundary = content_type.split("boundary=", 1)[1].encode()
    kind, name, content = "", "document", b""
    for part in body.split(b"--" + boundary):
        head, _, rest = part.partition(b"\r\n\r\n")
        if b'name="kind"' in head:
            kind = rest.rstrip(b"\r\n").decode()
        elif b'name="file"' in head:
            match = re.search(rb'filename="([^"]*)"', head)
            name = match.group(1).decode() if match else name
            content = rest[:-2] if rest.endswith(b"\r\n") else rest
    return kind, name, content


def _upload(app_id: int, body: bytes, content_type: str):
    kind, name, content = _file_part(body, content_type)
    stored = f"documents/{app_id}/{uuid.uuid4().hex}.pdf"
    path = Path(os.environ["FLOOR_MEDIA_ROOT"]) / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    row = _connection().execute(
        UPLOAD_SQL, [app_id, kind, stored, name, len(content), hashlib.sha256(content).hexdigest(), app_id]
    ).fetchone()
    return "201 Created", {"id": row[0]}


def _submit(app_id: int):
    row = _connection().execute(SUBMIT_SQL, [app_id]).fetchone()
    return ("200 OK", {"id": row[0], "status": "submitted"}) if row else ("409 Conflict", {"code": "conflict"})


def application(environ, start_response):
    path = environ["PATH_INFO"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    if path == "/api/v1/applications/":
        status, payload = _create(body)
    elif match := _DOCUMENTS.match(path):
        status, payload = _upload(int(match.group(1)), body, environ.get("CONTENT_TYPE", ""))
    elif match := _SUBMIT.match(path):
        status, payload = _submit(int(match.group(1)))
    else:
        status, payload = "404 Not Found", {"code": "not_found"}
    out = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(out)))])
    return [out]
