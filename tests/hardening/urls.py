"""The project's URLs plus views that exist only for tests (an echo and two that raise),
so error handling is tested through the real middleware and handlers."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dpa_funding.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


class Echo(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request):
        return Response({"received": request.data})


class Explode(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        raise RuntimeError("an unexpected bug")


def explode_plain(request):
    raise RuntimeError("an unexpected bug outside DRF")


urlpatterns = [
    path("api/v1/_test/echo/", Echo.as_view()),
    path("api/v1/_test/explode/", Explode.as_view()),
    path("api/v1/_test/explode-plain/", explode_plain),
    path("_test/explode/", explode_plain),
    *urlpatterns,
]
