"""Statements per request on the deadline-day path (issue 12): create, two uploads, submit.

Counted, not timed (times live in bench/): each budget is what the path needs today, so a
change that adds a query per request, a second read of the application or an audit event
per save fails here with the statements listed.
"""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications.models import Application
from tests.factories import ApplicationFactory, aor_of, pdf_bytes
from tests.tokens import token_for

pytestmark = pytest.mark.django_db

# Statements per request inside a test transaction (savepoints, no BEGIN/COMMIT), authentication
# included; the same requests in production run 13, 7 and 21 (bench/profile_submission.py).
BUDGET = {"create": 13, "upload": 7, "submit": 19}


def counted(name, call):
    # Each request is a transaction of its own in production: its first audit event takes the
    # chain lock and reads the head. The test transaction would remember the head across
    # requests (audit.services._ChainHead) and hide those statements; forget it.
    connection._audit_chain_head = None
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) <= BUDGET[name], f"{name}: {len(statements)} statements\n" + "\n".join(
        s[:160] for s in statements)
    return response


def test_a_submission_stays_within_its_statement_budget():
    template = ApplicationFactory(ready=True)
    aor = aor_of(template.organization)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token_for(aor)}")
    created = counted("create", lambda: client.post("/api/v1/applications/", {
        "opportunity": template.opportunity_id, "organization": template.organization_id,
        "project": template.project_id, "title": "Budgeted", "instrument": "grant",
        "federal_amount_requested": "1000000.00", "cost_share_amount": "1000000.00",
        "period_start": "2027-01-01", "period_end": "2029-12-31", "summary": "Counted.",
        "budget": {"equipment": "1500000.00", "construction": "500000.00"},
    }, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())))
    assert created.status_code == 201, created.json()
    app_id = created.json()["id"]
    for kind in ("technical_report", "budget_justification"):
        uploaded = counted("upload", lambda kind=kind: client.post(
            f"/api/v1/applications/{app_id}/documents/",
            {"file": SimpleUploadedFile(f"{kind}.pdf", pdf_bytes()), "kind": kind}, format="multipart"))
        assert uploaded.status_code == 201, uploaded.json()
    submitted = counted("submit", lambda: client.post(
        f"/api/v1/applications/{app_id}/transitions/submit/", {"comment": ""}, format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())))
    assert submitted.status_code == 200, submitted.json()
    assert Application.objects.get(pk=app_id).status == "submitted"
