"""REST API v1 for notifications: the recipient's own list, mark read, preferences."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from dpa_funding.api.schema import errors

from .. import selectors, services
from .serializers import MarkedSerializer, NotificationSerializer, PreferencesSerializer


class NotificationList(generics.ListAPIView):
    """The requesting user's notifications, newest first."""

    serializer_class = NotificationSerializer
    filter_backends: list = []

    @extend_schema(parameters=[OpenApiParameter(
        "unread", bool, description="true: only unread; false: only read.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        raw = self.request.query_params.get("unread")
        unread = {"true": True, "1": True, "false": False, "0": False}.get((raw or "").lower())
        return selectors.notifications_for(self.request.user, unread=unread).select_related("content_type")


class NotificationRead(APIView):
    @extend_schema(request=None, responses={200: NotificationSerializer, **errors(404)})
    def post(self, request, pk: int):
        """Mark one of your notifications read (idempotent)."""
        note = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(note).data)


class NotificationReadAll(APIView):
    @extend_schema(request=None, responses={200: MarkedSerializer, **errors()})
    def post(self, request):
        """Mark all your unread notifications read."""
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})


class NotificationPreferences(APIView):
    @extend_schema(responses={200: PreferencesSerializer, **errors()})
    def get(self, request):
        """Your optional notification kinds (missing means on). Reminders are always sent."""
        return Response(selectors.preferences_for(request.user))

    @extend_schema(request=PreferencesSerializer, responses={200: PreferencesSerializer, **errors(400)})
    def put(self, request):
        """Turn optional kinds on or off; kinds not in the body keep their setting."""
        if not isinstance(request.data, dict):
            return Response({"detail": "Send an object of kind: boolean.", "code": "invalid"},
                            status=status.HTTP_400_BAD_REQUEST)
        # Unknown and mandatory kinds are rejected by the service with a field error.
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extra = {k: v for k, v in request.data.items() if k not in serializer.fields}
        values = {**extra, **serializer.validated_data}
        return Response(services.preferences_update(user=request.user, values=values))
