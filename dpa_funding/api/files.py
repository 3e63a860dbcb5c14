"""File downloads (award letters, documents, CSV): what they answer and how the schema says so.

A download answers with the file's own media type. A client that can only take
``application/octet-stream`` (typed clients generated from the schema ask for it) may say
so in ``Accept`` and gets the same bytes labelled that way. Errors are always JSON, so an
``Accept: application/pdf`` request for a letter that is not ready gets a JSON 404, not a
406 or a PDF renderer asked to render an error.
"""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

OCTET_STREAM = "application/octet-stream"


class FileDownloadNegotiation(BaseContentNegotiation):
    """The body is a file (never rendered); anything DRF renders here is a JSON error."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = next((r for r in renderers if isinstance(r, JSONRenderer)), JSONRenderer())
        return renderer, renderer.media_type


def file_response(request, fileobj, *, content_type: str, filename: str) -> FileResponse:
    """Stream ``fileobj`` as an attachment (safe Content-Disposition, no sniffing)."""
    accept = request.headers.get("Accept", "")
    if OCTET_STREAM in accept and content_type not in accept:
        content_type = OCTET_STREAM
    response = FileResponse(fileobj, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def binary_responses(*media_types: str, description: str) -> dict:
    """``responses={**binary_responses("application/pdf", description=...)}``: a 200 in each
    media type plus application/octet-stream (listed first, for generated clients)."""
    return {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description)
        for media_type in (OCTET_STREAM, *media_types)
    }
