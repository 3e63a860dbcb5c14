"""Interactive API docs served from the project's own static files (drf-spectacular-sidecar)
under the strict Content-Security-Policy: Swagger UI at /api/docs/, ReDoc at /api/redoc/, and
the "Integrating with the API" guide (docs/integrating.md) at /api/docs/integrating/.

With ``API_DOCS_REQUIRE_LOGIN`` (on in production) an anonymous visitor is sent to sign in
first: the docs run a large third-party bundle on the application's origin, and nobody but
a signed-in user needs them there.
"""

import functools
from pathlib import Path

from csp.constants import NONCE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from markdown_it import MarkdownIt


class _DocsSignIn:
    def dispatch(self, request, *args, **kwargs):
        if settings.API_DOCS_REQUIRE_LOGIN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


class SwaggerDocsView(_DocsSignIn, SpectacularSwaggerView):
    template_name = "api_docs/swagger_ui.html"


# ReDoc injects <style> elements at run time (stamped with this nonce) and runs its search
# index in a Worker built from a blob: URL. Scripts stay 'self' only.
@method_decorator(csp_update({"style-src": [NONCE], "worker-src": ["blob:"]}), name="dispatch")
class RedocDocsView(_DocsSignIn, SpectacularRedocView):
    template_name = "api_docs/redoc.html"


INTEGRATING_GUIDE = settings.BASE_DIR / "docs" / "integrating.md"


@functools.lru_cache(maxsize=4)
def _render_markdown(path: str, mtime: float) -> str:
    # Our own file (trusted), so raw HTML in it is kept; re-rendered when it changes.
    return MarkdownIt("commonmark").enable("table").render(Path(path).read_text(encoding="utf-8"))


class IntegratingGuideView(_DocsSignIn, TemplateView):
    """"Integrating with the API": docs/integrating.md rendered beside the reference docs."""

    template_name = "api_docs/integrating.html"

    def get_context_data(self, **kwargs):
        path = INTEGRATING_GUIDE
        # Safe: the repository's own docs/integrating.md, never user input.
        return {**super().get_context_data(**kwargs),
                "guide_html": mark_safe(_render_markdown(str(path), path.stat().st_mtime))}  # noqa: S308  # nosec B308 B703
