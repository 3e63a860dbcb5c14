"""The white paper upload: the project's upload checks (type by content, size, hash), plus
"one PDF of at most MAX_PAGES pages". Only PDF is accepted because only a PDF's page count
can be known on the server (a word-processing file paginates differently on every machine)."""

from applications.documents import PDF, check_upload
from dpa_funding.errors import UnsupportedMediaType, ValidationFailed

from .choices import MAX_PAGES


def check_white_paper_upload(uploaded, original_name: str):
    """(CheckedFile, pages) for an acceptable white paper, else 413/415/400."""
    checked = check_upload(uploaded, original_name)
    if checked.content_type != PDF.content_type:
        raise UnsupportedMediaType("A white paper must be a PDF (its page count is checked).")
    pages = pdf_page_count(uploaded)
    if pages > MAX_PAGES:
        raise ValidationFailed({"file": [f"A white paper may have at most {MAX_PAGES} pages; this one has {pages}."]})
    return checked, pages


def pdf_page_count(fileobj) -> int:
    from pypdf import PdfReader

    fileobj.seek(0)
    try:
        return len(PdfReader(fileobj, strict=False).pages)
    finally:
        fileobj.seek(0)
