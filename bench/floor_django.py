"""The framework floor for the submission burst: Django, DRF and knox with the least work.

The same three requests as ``floor_submissions.py``, each doing the same one SQL statement,
but served through the project's production stack: its settings, every middleware of
``MIDDLEWARE``, DRF's request handling with the project's authentication (knox tokens),
permission, throttles, JSON/multipart parsers and JSON renderer. No serializer, no policy,
no audit log, no idempotency record, no outbox.

The ratio app/this floor is what our own code costs; this floor/``floor_submissions`` is what
the framework costs before any of our code runs. With ``FLOOR_DJANGO_BARE_MIDDLEWARE=1`` the
middleware list is empty (DRF and knox only), which shows what the middleware costs.

    DJANGO_SETTINGS_MODULE=bench.floor_django gunicorn dpa_funding.wsgi:application
"""

import hashlib
import os
import uuid
from pathlib import Path

from dpa_funding.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.floor_django"
if os.environ.get("FLOOR_DJANGO_BARE_MIDDLEWARE") == "1":
    MIDDLEWARE = []


def _views():
    """Built on first URL resolution (settings must be loaded before DRF is imported)."""
    from django.db import connection
    from django.urls import path
    from rest_framework.parsers import MultiPartParser
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from bench import floor_submissions as bare

    class Create(APIView):
        def post(self, request):
            data = request.data
            given = {(f"{f}_id" if f in ("opportunity", "organization", "project") else f): data[f]
                     for f in bare.CREATE_FIELDS}
            given["budget_equipment"] = data["budget"]["equipment"]
            given["budget_construction"] = data["budget"]["construction"]
            with connection.cursor() as cursor:
                if bare._insert_sql is None or bare._template_id is None:
                    bare._prepare(cursor.connection)
                cursor.execute(bare._insert_sql, [*given.values(), bare._template_id])
                return Response({"id": cursor.fetchone()[0]}, status=201)

    class Upload(APIView):
        parser_classes = [MultiPartParser]

        def post(self, request, pk):
            upload = request.data["file"]
            content = upload.read()
            stored = f"documents/{pk}/{uuid.uuid4().hex}.pdf"
            target = Path(os.environ["FLOOR_MEDIA_ROOT"]) / stored
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            with connection.cursor() as cursor:
                cursor.execute(bare.UPLOAD_SQL, [pk, request.data["kind"], stored, upload.name, len(content),
                                                 hashlib.sha256(content).hexdigest(), pk])
                return Response({"id": cursor.fetchone()[0]}, status=201)

    class Submit(APIView):
        def post(self, request, pk):
            with connection.cursor() as cursor:
                cursor.execute(bare.SUBMIT_SQL, [pk])
                row = cursor.fetchone()
            if row is None:
                return Response({"code": "conflict"}, status=409)
            return Response({"id": row[0], "status": "submitted"})

    return [
        path("api/v1/applications/", Create.as_view()),
        path("api/v1/applications/<int:pk>/documents/", Upload.as_view()),
        path("api/v1/applications/<int:pk>/transitions/submit/", Submit.as_view()),
    ]


def __getattr__(name):
    if name == "urlpatterns":
        globals()["urlpatterns"] = patterns = _views()
        return patterns
    raise AttributeError(name)
