"""DRF's JSONRenderer, taking a page's rows already as JSON text when they offer it.

A list whose rows come straight from the database (``applications.api.list_rows``) can
write them as JSON itself faster than the encoder walks one dict per row; the envelope
(count, next, previous) is still DRF's. The bytes are those DRF writes for the same data,
so the fast path is taken only where DRF's output is plain: compact, ``ensure_ascii`` off,
no indent (the browsable API asks for one), ``results`` last. Anything else is rendered by
DRF itself, the rows taken through their ``tolist()`` as DRF's encoder does.
"""

from rest_framework.renderers import JSONRenderer


class PreEncodedJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results") if isinstance(data, dict) else None
        if (rows is None or not callable(getattr(rows, "as_json_array", None)) or self.ensure_ascii
                or not self.compact or next(reversed(data)) != "results"
                or self.get_indent(accepted_media_type, renderer_context or {}) is not None):
            return super().render(data, accepted_media_type, renderer_context)
        envelope = super().render({**data, "results": []}, accepted_media_type, renderer_context)
        if not envelope.endswith(b"[]}"):  # pragma: no cover - DRF changed its output
            return super().render(data, accepted_media_type, renderer_context)
        # DRF escapes these two after json.dumps (JavaScript string terminators); so do we.
        text = rows.as_json_array().replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return envelope[:-3] + text.encode() + b"}"
