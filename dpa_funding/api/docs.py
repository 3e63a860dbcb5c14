"""Interactive API docs served from the project's own static files (drf-spectacular-sidecar)
under the strict Content-Security-Policy: Swagger UI at /api/docs/, ReDoc at /api/redoc/.

With ``API_DOCS_REQUIRE_LOGIN`` (on in production) an anonymous visitor is sent to sign in
first: the docs run a large third-party bundle on the application's origin, and nobody but
a signed-in user needs them there.
"""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView


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
