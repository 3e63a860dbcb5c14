"""Top-level URLs: pages, the REST API v1, its schema and docs, admin, health, metrics."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from accounts.signin_views import SignInView, signin_code
from ops import health, metrics

from . import views
from .api.docs import IntegratingGuideView, RedocDocsView, SwaggerDocsView

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("applications.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("awards.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("dashboards.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("whitepapers.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("postaward.api.urls")),
    path("", include("exclusions.api.urls")),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # api.md names /healthz; the slash form stays for existing probes. Neither redirects.
    path("healthz", health.healthz, name="healthz"),
    path("healthz/", health.healthz),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/login/code/", signin_code, name="login_code"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("oidc/", include("identity.urls")),
    path("applications/", include("applications.urls")),
    path("reviews/", include("reviews.urls")),
    path("awards/", include("awards.urls")),
    path("notifications/", include("notifications.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("white-papers/", include("whitepapers.urls")),
    path("payments/", include("payments.urls")),
    path("", include("postaward.urls")),
    path("exclusions/", include("exclusions.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerDocsView.as_view(url_name="schema"), name="api-docs"),
    path("api/docs/integrating/", IntegratingGuideView.as_view(), name="api-integrating"),
    path("api/redoc/", RedocDocsView.as_view(url_name="schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]

handler400 = "dpa_funding.views.bad_request"
handler403 = "dpa_funding.views.forbidden"
handler404 = "dpa_funding.views.not_found"
handler500 = "dpa_funding.views.server_error"
