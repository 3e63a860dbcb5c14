"""Upload checks: the file type is decided by its bytes, not by what the client claims.

Accepted: PDF, DOCX, XLSX, CSV, PNG, JPEG. The extension must agree with the bytes, and
each type is checked by actually reading it:

- CSV must decode as UTF-8, parse with the csv module in strict mode with the same number
  of columns on every row, and contain nothing that looks like markup (a browser or a
  spreadsheet must never find HTML, SVG or XML in it).
- PDF must parse with pypdf and have at least one page; markup in its first kilobyte (where
  browsers sniff) marks a PDF/HTML polyglot and is refused.
- DOCX and XLSX are zip archives. Every member's deflate stream is run to its end with a
  cap on the bytes it really produces; the archive's directory is never trusted (a zip
  bomb declares small sizes), and a directory that disagrees with the real sizes or CRCs
  is refused.
"""

import csv
import hashlib
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

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

# A multipart body carries the file plus boundaries and small fields; anything beyond this
# allowance over the file limit is refused before it is read.
MULTIPART_OVERHEAD = 64 * 1024
CHUNK = 64 * 1024
# Browsers sniff the first 512 bytes for HTML; look a little further.
SNIFF_WINDOW = 1024
MAX_ARCHIVE_MEMBERS = 5000
# Ratios are judged only once a member has produced this much (tiny XML parts compress well).
RATIO_FLOOR_BYTES = 1024 * 1024

# Anything a browser or XML parser would take for markup: a tag, a closing tag, a comment,
# a doctype, a processing instruction or CDATA. "a < b" and "x<5" do not match.
MARKUP = re.compile(rb"<(?:[a-z][a-z0-9:-]*(?:[\s/>]|$)|/[a-z]|!--|!doctype|!\[cdata\[|\?xml)",
                    re.IGNORECASE)
# In a PDF's head "<<" opens a dictionary; only HTML/SVG/XML vocabulary counts there.
HTML_IN_PDF = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|img|meta"
                         rb"|link|style|form|a\s|div|title|\?xml)", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _refuse(message: str):
    raise UnsupportedMediaType(message)


def _sniff(head: bytes, fileobj) -> FileType | None:
    if head.startswith(b"%PDF-"):
        _check_pdf(fileobj)
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(fileobj)
    if _is_strict_csv(fileobj):
        return CSV
    return None


# ---------------------------------------------------------------- PDF


def _check_pdf(fileobj) -> None:
    from pypdf import PdfReader

    fileobj.seek(0)
    if HTML_IN_PDF.search(fileobj.read(SNIFF_WINDOW)):
        _refuse("The file starts like a PDF but contains web markup (HTML or SVG). Upload a plain PDF.")
    fileobj.seek(0)
    try:
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            _refuse("Password-protected PDFs cannot be reviewed. Upload the PDF without a password.")
        pages = len(reader.pages)
    except UnsupportedMediaType:
        raise
    except Exception:  # a parser fed hostile bytes may fail in any way; all mean "not a PDF"
        _refuse("The file starts like a PDF but cannot be read as one.")
    if pages < 1:
        _refuse("The PDF has no pages.")


# ---------------------------------------------------------------- CSV


def _is_strict_csv(fileobj) -> bool:
    """Whole-file check; False means "not a CSV" (the caller answers 415)."""
    fileobj.seek(0)
    raw = fileobj.read()
    if not raw.strip() or b"\x00" in raw:
        return False
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if MARKUP.search(raw):
        _refuse("The file contains markup (HTML, SVG or XML), which is not accepted in a CSV.")
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), strict=True) if row]
    except csv.Error:
        return False
    widths = {len(row) for row in rows}
    return len(widths) == 1


# ---------------------------------------------------------------- DOCX / XLSX


def _office_type(fileobj) -> FileType | None:
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        _refuse("The file looks like a zip archive but cannot be read.")
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        _refuse("The archive has too many parts.")
    # The directory's own claims are checked first (cheap), then the real bytes.
    if sum(info.file_size for info in infos) > settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES:
        _refuse("The archive expands to more data than allowed (possible zip bomb).")
    budget = settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES
    for info in infos:
        budget -= _inflate_member(fileobj, info, budget)
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    return None


def _inflate_member(fileobj, info: zipfile.ZipInfo, budget: int) -> int:
    """Run one member's data to its real end, counting the bytes it really produces (never
    more than ``budget``), and check them against the directory. Returns the real size."""
    if info.flag_bits & 0x1:
        _refuse("Encrypted documents are not accepted.")
    fileobj.seek(info.header_offset)
    local = fileobj.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        _refuse("The archive's directory points at data that is not there.")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    fileobj.seek(info.header_offset + 30 + name_length + extra_length)

    if info.compress_type == zipfile.ZIP_STORED:
        data_left, real, crc = info.compress_size, 0, 0
        while data_left > 0:
            chunk = fileobj.read(min(CHUNK, data_left))
            if not chunk:
                break
            data_left -= len(chunk)
            real += len(chunk)
            crc = zlib.crc32(chunk, crc)
        consumed = real
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        real, consumed, crc = _inflate(fileobj, info, budget)
    else:
        _refuse("The archive uses a compression method Office files do not use.")

    if real != info.file_size or consumed != info.compress_size or crc != info.CRC:
        _refuse("The archive's directory does not match its contents (sizes or checksums differ).")
    return real


def _inflate(fileobj, info: zipfile.ZipInfo, budget: int) -> tuple[int, int, int]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    real = consumed = crc = 0
    max_ratio = settings.DOCUMENT_MAX_COMPRESSION_RATIO
    while not inflater.eof:
        chunk = fileobj.read(CHUNK)
        if not chunk:
            _refuse("The archive ends in the middle of a part.")
        pending = chunk
        while pending and not inflater.eof:
            try:
                out = inflater.decompress(pending, CHUNK)
            except zlib.error:
                _refuse("A part of the archive is corrupt.")
            pending = inflater.unconsumed_tail
            real += len(out)
            crc = zlib.crc32(out, crc)
            if real > budget:
                _refuse("The archive expands to more data than allowed (possible zip bomb).")
            fed = consumed + len(chunk) - len(pending)
            if real > RATIO_FLOOR_BYTES and real > max_ratio * max(fed, 1):
                _refuse("The archive is compressed suspiciously well (possible zip bomb).")
        # Past the end of the stream the leftover input is reported as unused_data (and, by
        # CPython, also as unconsumed_tail): count it once.
        consumed += len(chunk) - (len(inflater.unused_data) if inflater.eof else len(pending))
    return real, consumed, crc


# ---------------------------------------------------------------- request size


def request_body_too_large(request) -> bool:
    """True when the declared body is larger than one document plus multipart framing.
    Checked before anything reads the body (request.POST, request.FILES, request.data)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.DOCUMENT_MAX_BYTES + MULTIPART_OVERHEAD


def too_large_error() -> PayloadTooLarge:
    return PayloadTooLarge(f"The file is larger than the {settings.DOCUMENT_MAX_BYTES / 2**20:g} MB limit.")


class DocumentSizeLimitUploadHandler(FileUploadHandler):
    """First upload handler (FILE_UPLOAD_HANDLERS): counts the bytes each file really
    delivers and aborts the upload past ``DOCUMENT_MAX_BYTES``, whatever Content-Length said
    (or when there was none). Sets ``request.upload_too_large`` so views answer 413."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.DOCUMENT_MAX_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_was_too_large(request) -> bool:
    request = getattr(request, "_request", request)  # DRF Request or Django HttpRequest
    return bool(getattr(request, "upload_too_large", False))


# ---------------------------------------------------------------- entry points


def check_upload(uploaded, original_name: str) -> CheckedFile:
    """Verify size, type (magic bytes agreeing with the extension, content parsed) and hash."""
    size = uploaded.size
    if size > settings.DOCUMENT_MAX_BYTES:
        raise too_large_error()
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
