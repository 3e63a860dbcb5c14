"""Document upload, listing and download over the API."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.choices import ApplicationStatus
from applications.models import Document
from tests.factories import ApplicationFactory, UserFactory, aor_of, pdf_bytes

pytestmark = pytest.mark.django_db


def docs_url(app):
    return f"/api/v1/applications/{app.pk}/documents/"


def upload(client, app, name, content, kind="technical_report"):
    return client.post(docs_url(app), {"file": SimpleUploadedFile(name, content), "kind": kind}, format="multipart")


def office_zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def minimal_docx() -> bytes:
    return office_zip({"[Content_Types].xml": CONTENT_TYPES,
                       "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body/></w:document>'})


def minimal_xlsx() -> bytes:
    return office_zip({"[Content_Types].xml": CONTENT_TYPES,
                       "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="x"><sheets/></workbook>'})


def minimal_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def minimal_jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@pytest.fixture
def app():
    return ApplicationFactory()


@pytest.fixture
def member(app, client_for):
    return client_for(aor_of(app.organization))


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("report.pdf", pdf_bytes(), "application/pdf"),
    ("plan.docx", minimal_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.xlsx", minimal_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("budget.csv", b"category,amount\npersonnel,1500000\n", "text/csv"),
    ("site.png", minimal_png(), "image/png"),
    ("site.jpg", minimal_jpeg(), "image/jpeg"),
])
def test_accepted_types_are_stored_with_sniffed_content_type(app, member, name, content, content_type):
    response = upload(member, app, name, content)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["original_name"] == name and body["content_type"] == content_type
    assert body["size"] == len(content) and len(body["sha256"]) == 64
    doc = Document.objects.get(pk=body["id"])
    assert doc.file.name.startswith(f"documents/{app.pk}/") and name not in doc.file.name
    assert member.get(docs_url(app)).json()["results"][0]["id"] == doc.pk


def test_wrong_magic_bytes_are_415(app, member):
    response = upload(member, app, "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary\x00program")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    assert not Document.objects.exists()


def test_extension_content_mismatch_is_415(app, member):
    response = upload(member, app, "photo.png", pdf_bytes())
    assert response.status_code == 415 and "name ends in '.png'" in response.json()["detail"]


def test_zip_bomb_docx_is_415(app, member):
    bomb = office_zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"\x00" * (50 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    response = upload(member, app, "bomb.docx", bomb)
    assert response.status_code == 415 and "zip bomb" in response.json()["detail"]
    assert not Document.objects.exists()


def test_oversize_upload_is_413(app, member, settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    response = upload(member, app, "report.pdf", pdf_bytes("x" * 2000))
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    # Far above the limit: refused from Content-Length before the body is parsed.
    response = upload(member, app, "report.pdf", pdf_bytes("x" * 200_000))
    assert response.status_code == 413
    assert not Document.objects.exists()


def test_missing_file_or_kind_is_400(app, member):
    no_file = member.post(docs_url(app), {"kind": "technical_report"}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()
    no_kind = member.post(docs_url(app), {"file": SimpleUploadedFile("r.pdf", pdf_bytes())}, format="multipart")
    assert no_kind.status_code == 400 and "kind" in no_kind.json()
    bad_kind = upload(member, app, "r.pdf", pdf_bytes(), kind="selfie")
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()


def test_upload_outside_editable_states_is_409_and_officer_upload_is_403(client_for):
    submitted = ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    response = upload(client_for(aor_of(submitted.organization)), submitted, "r.pdf", pdf_bytes())
    assert response.status_code == 409
    draft = ApplicationFactory()
    assert upload(client_for(UserFactory(officer=True)), draft, "r.pdf", pdf_bytes()).status_code == 403


def test_download_streams_with_safe_disposition_and_stored_type(app, member, client_for):
    content = pdf_bytes("secret plan")
    doc_id = upload(member, app, '../../etc/pass"wd.pdf', content).json()["id"]
    for client in (member, client_for(UserFactory(officer=True))):
        response = client.get(f"/api/v1/documents/{doc_id}/download/")
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="passwd.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == content


def test_download_by_outsider_or_unassigned_reviewer_is_404(app, member, client_for):
    doc_id = upload(member, app, "r.pdf", pdf_bytes()).json()["id"]
    for user in (UserFactory(), UserFactory(reviewer=True)):
        assert client_for(user).get(f"/api/v1/documents/{doc_id}/download/").status_code == 404
