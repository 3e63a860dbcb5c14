"""GET /api/v1/audit-events/: the audit log for program officers and administrators."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer

from audit.selectors import audit_events, may_view_audit_log
from dpa_funding.api.schema import errors

from .serializers import AuditEventSerializer


class CanViewAuditLog(BasePermission):
    message = "Only program officers and administrators may read the audit log."

    def has_permission(self, request, view) -> bool:
        return may_view_audit_log(request.user)


@extend_schema(
    parameters=[
        OpenApiParameter("object_type", str, description="app_label.model, e.g. applications.application"),
        OpenApiParameter("object_id", int),
        OpenApiParameter("actor", str, description="Username (or user id) of the acting user."),
    ],
    responses={200: AuditEventSerializer(many=True), **errors(400, 403)},
)
class AuditEventList(generics.ListAPIView):
    """Audit events, oldest first; each links to the previous one by hash."""

    serializer_class = AuditEventSerializer
    permission_classes = [IsAuthenticated, CanViewAuditLog]
    renderer_classes = [JSONRenderer]
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        object_id = params.get("object_id")
        if object_id not in (None, ""):
            if not object_id.isdigit():
                from dpa_funding.errors import ValidationFailed

                raise ValidationFailed({"object_id": ["Enter a whole number."]})
            object_id = int(object_id)
        else:
            object_id = None
        return audit_events(object_type=params.get("object_type") or None, object_id=object_id,
                            actor=params.get("actor") or None)
