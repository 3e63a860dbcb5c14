"""Upload checks: the file type is decided by its bytes, not by what the client claims.

Accepted: PDF, DOCX, XLSX, CSV, PNG, JPEG. The extension must agree with the bytes.
DOCX and XLSX are zip archives: their directory is read (never extracted) and rejected
when it declares too much uncompressed data or a suspicious compression ratio (zip bombs),
or lacks the part that makes it a Word or Excel file.
"""

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

from dpa_funding.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed


@dataclass(frozen=True)
class FileType:
    extension: tuple[str, ...]
    content_type: str


PDF = FileType((".pdf",), "application/pdf")
PNG = FileType((".png",), "image/png")
JPEG = FileType((".jpg", ".jpeg"), "image/jpeg")
CSV = FileType((".csv",), "text/csv")
DOCX = FileType((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ACCEPTED = "PDF, DOCX, XLSX, CSV, PNG or JPEG"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _sniff(head: bytes, fileobj) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(fileobj)
    if _looks_like_csv(fileobj):
        return CSV
    return None


def _office_type(fileobj) -> FileType | None:
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnsupportedMediaType("The file looks like a zip archive but cannot be read.") from None
    max_total = settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES
    max_ratio = settings.DOCUMENT_MAX_COMPRESSION_RATIO
    total = 0
    for info in infos:
        total += info.file_size
        if total > max_total:
            raise UnsupportedMediaType("The archive expands to more data than allowed (possible zip bomb).")
        if info.compress_size and info.file_size / info.compress_size > max_ratio:
            raise UnsupportedMediaType("The archive is compressed suspiciously well (possible zip bomb).")
        if info.compress_size == 0 and info.file_size > 0:
            raise UnsupportedMediaType("The archive's directory is inconsistent.")
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    return None


def _looks_like_csv(fileobj) -> bool:
    fileobj.seek(0)
    sample = fileobj.read(64 * 1024)
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    lines = [line for line in text.splitlines() if line.strip()][:20]
    if not lines:
        return False
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
    except csv.Error:
        return False
    return all(len(row) >= 1 for row in rows)


def check_upload(uploaded, original_name: str) -> CheckedFile:
    """Verify size, type (magic bytes agreeing with the extension) and hash an upload."""
    size = uploaded.size
    if size > settings.DOCUMENT_MAX_BYTES:
        mb = settings.DOCUMENT_MAX_BYTES / (1024 * 1024)
        raise PayloadTooLarge(f"The file is larger than the {mb:g} MB limit.")
    if size == 0:
        raise ValidationFailed({"file": ["The file is empty."]})
    uploaded.seek(0)
    head = uploaded.read(16)
    file_type = _sniff(head, uploaded)
    if file_type is None:
        raise UnsupportedMediaType(f"This file type is not accepted. Upload {ACCEPTED}.")
    if _extension(original_name) not in file_type.extension:
        raise UnsupportedMediaType(
            f"The file's contents are {file_type.content_type} but its name ends in "
            f"'{_extension(original_name) or '(nothing)'}'. Use a matching extension."
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else iter(lambda: uploaded.read(65536), b""):
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedFile(content_type=file_type.content_type, size=size, sha256=digest.hexdigest())


def safe_download_name(name: str) -> str:
    """A filename safe for Content-Disposition: no path parts, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '"\r\n;')
    return cleaned.strip() or "document"
