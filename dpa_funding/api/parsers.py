"""A JSON parser with limits: the body size and the nesting depth are bounded before and
after decoding, so a hostile body gets a 400 with a stable code instead of a 500.

DRF's stock parser reads the whole stream (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only
guards ``request.body`` and form parsing, which DRF bypasses) and lets the C decoder's
RecursionError escape as a 500.
"""

import codecs

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

# Far deeper than any body of the API (budgets and rubrics nest three levels).
DEFAULT_MAX_DEPTH = 32


class BodyTooLarge(ParseError):
    default_detail = "The request body is larger than allowed."
    default_code = "body_too_large"


class JSONTooDeep(ParseError):
    default_detail = "The JSON body is nested too deeply."
    default_code = "json_too_deep"


def max_json_depth() -> int:
    return getattr(settings, "API_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def json_depth_exceeds(value, limit: int) -> bool:
    """True when containers in ``value`` nest more than ``limit`` levels (iterative walk, so
    the check itself cannot overflow the stack)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class LimitedJSONParser(JSONParser):
    """``application/json`` with a size limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``) and a
    nesting limit (``API_JSON_MAX_DEPTH``, default 32)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = parser_context.get("request")
        declared = _content_length(request)
        if limit is not None and declared is not None and declared > limit:
            raise BodyTooLarge(f"The request body is larger than {limit} bytes.")
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise BodyTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise JSONTooDeep(f"The JSON body nests more than {max_json_depth()} levels.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if json_depth_exceeds(data, max_json_depth()):
            raise JSONTooDeep(f"The JSON body nests more than {max_json_depth()} levels.")
        return data


def _content_length(request) -> int | None:
    if request is None:
        return None
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
