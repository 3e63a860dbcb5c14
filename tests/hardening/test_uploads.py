"""Upload hardening (issue 10, item 7): strict CSV, parsed PDFs without polyglots, Office
archives inflated for real under a byte cap, and oversized bodies refused before reading."""

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from pypdf import PdfReader
from rest_framework.test import APIClient

from applications.choices import DocumentKind
from applications.demo import minimal_pdf
from applications.documents import DocumentSizeLimitUploadHandler
from applications.models import Document
from tests.factories import ApplicationFactory, aor_of

pytestmark = pytest.mark.django_db

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
MB = 1024 * 1024


@pytest.fixture
def app():
    return ApplicationFactory()


@pytest.fixture
def member(app, client_for):
    return client_for(aor_of(app.organization))


def upload(client, app, name, content):
    return client.post(f"/api/v1/applications/{app.pk}/documents/",
                       {"file": SimpleUploadedFile(name, content), "kind": "technical_report"},
                       format="multipart")


def refused(response, words: str):
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "unsupported_media_type"
    assert words in response.json()["detail"]
    assert not Document.objects.exists()


# ---------------------------------------------------------------- CSV


@pytest.mark.parametrize("content", [
    b"<html><body><script>alert(document.cookie)</script></body></html>",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<?xml version="1.0"?><data>1</data>',
    b"<!DOCTYPE html>\n<p>hi</p>",
    b"name,note\nacme,<script src=//evil.example/x.js></script>\n",
    b"name,note\nacme,<img src=x onerror=alert(1)>\n",
    b"name,note\nacme,<!-- comment -->\n",
])
def test_markup_named_csv_is_refused(app, member, content):
    refused(upload(member, app, "budget.csv", content), "markup")


@pytest.mark.parametrize("content", [
    b"category,amount\npersonnel,1500000,extra\n",  # inconsistent columns
    "category,amount\ncaf\u00e9,1\n".encode("latin-1"),  # not UTF-8
    b'category,amount\n"unterminated,1\n',  # strict quoting
    b"category,amount\x00\n",
])
def test_malformed_csv_is_refused(app, member, content):
    refused(upload(member, app, "budget.csv", content), "not accepted")


def test_real_csv_with_quotes_and_comparisons_is_accepted(app, member):
    content = ('category,amount,note\n"personnel, senior",1500000,"line one\nline two"\n'
               'équipement,200000,ratio < 5 and x<3\n').encode()
    response = upload(member, app, "budget.csv", content)
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "text/csv"


# ---------------------------------------------------------------- PDF


def polyglot_pdf() -> bytes:
    """A PDF that pypdf reads (one page) and a browser sniffing its head takes for HTML."""
    pdf = minimal_pdf("Report", ["text"])
    return pdf.replace(b"%PDF-1.4\n", b"%PDF-1.4\n%<html><body><script>alert(1)</script></body></html>\n", 1)


def test_pdf_html_polyglot_is_refused_although_it_parses(app, member):
    content = polyglot_pdf()
    assert len(PdfReader(io.BytesIO(content)).pages) == 1  # a real PDF too
    refused(upload(member, app, "report.pdf", content), "markup")


def test_pdf_header_followed_by_html_is_refused(app, member):
    refused(upload(member, app, "report.pdf", b"%PDF-1.7\n" + b"A" * 2000 + b"<html><script>alert(1)</script>"),
            "cannot be read")


def test_pdf_that_does_not_parse_is_refused(app, member):
    refused(upload(member, app, "report.pdf", b"%PDF-1.4\nthis is not a pdf at all\n%%EOF\n"), "cannot be read")


def test_real_pdf_is_accepted(app, member):
    response = upload(member, app, "report.pdf", minimal_pdf("Technical report", ["Antimony"]))
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"


# ---------------------------------------------------------------- DOCX / XLSX


def _patch_sizes(data: bytearray, name: bytes, *, file_size=None, compress_size=None, crc=None):
    """Rewrite the sizes/CRC that the local header and the central directory declare."""
    for signature, crc_at, csize_at, size_at in ((b"PK\x03\x04", 14, 18, 22), (b"PK\x01\x02", 16, 20, 24)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            start = at + 4
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] != name:
                continue
            if crc is not None:
                struct.pack_into("<I", data, at + crc_at, crc)
            if compress_size is not None:
                struct.pack_into("<I", data, at + csize_at, compress_size)
            if file_size is not None:
                struct.pack_into("<I", data, at + size_at, file_size)
    return bytes(data)


def docx_with(document: bytes | None = None, *, zeros: int = 0) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        if zeros:
            with archive.open("word/document.xml", "w", force_zip64=False) as member:
                block = b"\x00" * MB
                for _ in range(zeros // MB):
                    member.write(block)
        else:
            archive.writestr("word/document.xml", document)
    return bytearray(buffer.getvalue())


def test_docx_whose_directory_understates_300_mb_of_zeros_is_refused(app, member):
    data = docx_with(zeros=300 * MB)
    assert len(data) < 400 * 1024  # 300 MB of zeros deflate to about 300 KB
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    # The directory now claims the part expands to twice its compressed size: no declared
    # size or ratio gives it away, only inflating it does.
    lying = _patch_sizes(data, b"word/document.xml", file_size=info.compress_size * 2)
    declared = zipfile.ZipFile(io.BytesIO(lying)).getinfo("word/document.xml")
    assert declared.file_size == info.compress_size * 2
    refused(upload(member, app, "plan.docx", lying), "zip bomb")


def test_docx_whose_directory_understates_ordinary_content_is_refused(app, member, settings):
    # Text that compresses about 2:1 (no ratio alarm), declared as 1 KB: the real size differs.
    text = b"".join(b"<w:t>%d</w:t>" % n for n in range(200_000))
    data = docx_with(b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>' + text + b"</w:body></w:document>")
    lying = _patch_sizes(data, b"word/document.xml", file_size=1024)
    refused(upload(member, app, "plan.docx", lying), "does not match")


def test_docx_over_the_real_byte_cap_is_refused_even_when_the_directory_claims_little(app, member, settings):
    settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES = 1 * MB
    settings.DOCUMENT_MAX_COMPRESSION_RATIO = 10_000
    text = b"".join(b"<w:t>%d</w:t>" % n for n in range(300_000))  # about 4 MB
    data = docx_with(b"<w:document>" + text + b"</w:document>")
    lying = _patch_sizes(data, b"word/document.xml", file_size=1024)
    refused(upload(member, app, "plan.docx", lying), "more data than allowed")


def test_docx_with_a_forged_checksum_is_refused(app, member):
    data = docx_with(b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body/></w:document>')
    refused(upload(member, app, "plan.docx", _patch_sizes(data, b"word/document.xml", crc=12345)),
            "does not match")


def test_honest_docx_is_accepted(app, member):
    data = docx_with(b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>'
                     + b"<w:p>Antimony</w:p>" * 5000 + b"</w:body></w:document>")
    response = upload(member, app, "plan.docx", bytes(data))
    assert response.status_code == 201, response.json()


# ---------------------------------------------------------------- oversized bodies


def huge_declared_post(client, path):
    """A multipart POST that declares 150 MB but carries a few bytes: the test payload
    raises if anything tries to read past what it holds, so a 413 proves nothing read it."""
    body = encode_multipart(BOUNDARY, {"kind": "technical_report"})
    return client.generic("POST", path, body, content_type=MULTIPART_CONTENT,
                          CONTENT_LENGTH=str(150 * MB))


def test_web_upload_refuses_an_oversized_body_before_reading_it(app):
    client = Client()
    client.force_login(aor_of(app.organization))
    response = huge_declared_post(client, f"/applications/{app.pk}/documents/new/")
    assert response.status_code == 413
    assert b"larger than the 25 MB limit" in response.content
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("auth", ["session", "token"])
def test_api_upload_refuses_an_oversized_body_before_reading_it(app, auth):
    client = APIClient(enforce_csrf_checks=True)
    user = aor_of(app.organization)
    if auth == "session":
        client.force_login(user)  # session auth checks CSRF, which reads the form body
    else:
        client.force_authenticate(user)
    response = huge_declared_post(client, f"/api/v1/applications/{app.pk}/documents/")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_web_upload_past_the_limit_is_cut_off_while_streaming(app, settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    client = Client()
    client.force_login(aor_of(app.organization))
    response = client.post(f"/applications/{app.pk}/documents/new/",
                           {"kind": DocumentKind.TECHNICAL_REPORT,
                            "file": SimpleUploadedFile("r.pdf", minimal_pdf("x", ["y" * 40] * 200))})
    assert response.status_code == 413
    assert "larger than" in response.context["form"].errors["file"][0]
    assert not Document.objects.exists()


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_upload_handler_stops_reading_past_the_limit(settings, rf):
    """Whatever the declared length, the handler aborts once the file's real bytes pass
    the limit, and the rest of the body is never read."""
    settings.DOCUMENT_MAX_BYTES = 10 * 1024
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * (4 * MB))})
    request = rf.generic("POST", "/applications/1/documents/new/", body, content_type=MULTIPART_CONTENT)
    stream = CountingStream(body)
    handlers = [DocumentSizeLimitUploadHandler(request), MemoryFileUploadHandler(request)]
    parser = MultiPartParser(request.META, stream, handlers)
    _post, files = parser.parse()
    assert "file" not in files
    assert request.upload_too_large is True
    assert stream.bytes_read < 512 * 1024 < len(body)
