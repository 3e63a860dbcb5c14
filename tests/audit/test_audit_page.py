"""The Audit section of the application page: officers see it, applicants do not."""

import pytest

from applications.services import application_transition, document_delete
from tests.factories import ApplicationFactory, DocumentFactory, UserFactory, aor_of

pytestmark = pytest.mark.django_db


def test_officers_see_the_applications_audit_trail_including_deleted_documents(client):
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    doc = DocumentFactory(application=app, kind="other", uploaded_by=aor)
    doc_id = doc.pk
    document_delete(actor=aor, document=doc)
    application_transition(application_id=app.pk, name="submit", actor=aor, data={"comment": "Final."})
    client.force_login(UserFactory(officer=True))
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'id="audit"' in page
    assert f"applications.document #{doc_id}" in page
    assert "delete" in page and "submit" in page and "Final." in page


def test_applicants_do_not_see_the_audit_trail(client):
    app = ApplicationFactory(ready=True)
    client.force_login(aor_of(app.organization))
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'id="audit"' not in page
