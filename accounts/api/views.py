"""REST API v1: authentication, the current user, organizations and their members."""

from datetime import timedelta

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from knox.models import AuthToken
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import mfa, services
from accounts.models import Invitation, Organization
from accounts.selectors import user_organizations
from accounts.signin import lockout_response
from dpa_funding.api.permissions import allows
from dpa_funding.api.schema import ErrorSerializer, errors, public_errors
from dpa_funding.api.validation import AllErrorsMixin, validate_all
from dpa_funding.errors import DomainError, NotFound, ValidationFailed

from .serializers import (
    InvitationSerializer,
    MemberAddSerializer,
    MeSerializer,
    OrganizationSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)


class OtpRequired(DomainError):
    status_code = 401
    code = "otp_required"
    default_detail = "This account needs a current code from its authenticator app (or a recovery code) in \"otp\"."


class TokenView(APIView):
    """Exchange a username and password (and, for staff or enrolled users, a current TOTP or
    recovery code in ``otp``) for a new API token (``Authorization: Token <key>``) that
    expires at ``expires_at``. Repeated failures lock the account and address out (429)."""

    authentication_classes: list = []  # credentials are in the body; no session/CSRF involved
    permission_classes = [AllowAny]

    @extend_schema(operation_id="auth_token", tags=["auth"], request=TokenRequestSerializer,
                   responses={200: TokenSerializer, **public_errors(400, 429),
                              401: OpenApiResponse(response=ErrorSerializer,
                                                   description="A second factor is needed: code otp_required.")},
                   auth=[])
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        credentials = body.validated_data
        http_request = request._request  # django-axes reads and flags the Django request
        try:
            user = authenticate(http_request, username=credentials["username"],
                                password=credentials["password"])
        except AxesBackendPermissionDenied:
            user = None
        if getattr(http_request, "axes_locked_out", False):
            return lockout_response(http_request, credentials={"username": credentials["username"]})
        if user is None or not user.is_active:
            raise ValidationFailed({"non_field_errors": ["Unable to log in with these credentials."]},
                                   "Unable to log in with these credentials.")
        if mfa.second_factor_required(user) and mfa.verify(
                user, credentials.get("otp", ""), request=http_request) is None:
            if getattr(http_request, "axes_locked_out", False):
                return lockout_response(http_request, credentials={"username": credentials["username"]})
            raise OtpRequired()
        instance, token = AuthToken.objects.create(user, expiry=timedelta(hours=settings.API_TOKEN_TTL_HOURS))
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        return Response({"token": token, "expires_at": instance.expiry})


class LogoutView(APIView):
    """Revoke the token this request was made with (a browser session is signed out)."""

    @extend_schema(operation_id="auth_logout", tags=["auth"], request=None,
                   responses={204: OpenApiResponse(description="The token is revoked."), **errors()})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegisterView(APIView):
    """Self-registration: creates an applicant account (password validators apply)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(operation_id="auth_register", tags=["auth"], request=RegisterSerializer,
                   responses={201: UserSerializer, **public_errors(400, 429)}, auth=[])
    def post(self, request):
        body = RegisterSerializer(data=request.data)
        data = validate_all(body, dry_run=lambda d: services.user_create(
            username=d.get("username", ""), email=d.get("email", ""), password=d.get("password", "")))
        user = services.user_create(**data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The signed-in user with their organizations and role in each."""

    @extend_schema(operation_id="auth_me", tags=["auth"], responses={200: MeSerializer, **errors()})
    def get(self, request):
        user = request.user
        return Response({**UserSerializer(user).data, "organizations": user_organizations(user)})


@extend_schema_view(
    list=extend_schema(responses={200: OrganizationSerializer(many=True), **errors()}),
    retrieve=extend_schema(responses={200: OrganizationSerializer, **errors(404)}),
    create=extend_schema(responses={201: OrganizationSerializer, **errors(400, 403)}),
    partial_update=extend_schema(responses={200: OrganizationSerializer, **errors(400, 403, 404)}),
)
class OrganizationViewSet(AllErrorsMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Applicant organizations: members see theirs, officers see all; the AOR edits."""

    serializer_class = OrganizationSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        return (Organization.objects.restrict(self.request.user).prefetch_related("owners")
                .order_by("legal_name", "id"))

    def get_permissions(self):
        # Only applicants create these: refuse staff with 403 before validating the body.
        if self.action == "create":
            return [*super().get_permissions(), allows("organization.create")()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = services.organization_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.organization_update(
            actor=self.request.user, organization=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=MemberAddSerializer,
                   responses={201: InvitationSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"], serializer_class=MemberAddSerializer)
    def members(self, request, pk=None):
        """The organization's authorized representative invites an applicant by username.
        The answer is the same whether or not the username exists or may join."""
        organization = self.get_object()
        body = MemberAddSerializer(data=request.data)
        data = validate_all(body, dry_run=lambda d: services.membership_invite(
            actor=request.user, organization=organization, **d))
        invitation = services.membership_invite(actor=request.user, organization=organization, **data)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="organizations_members_destroy", request=None,
                   parameters=[OpenApiParameter("user_id", int, OpenApiParameter.PATH)],
                   responses={204: OpenApiResponse(description="The member has left or was removed."),
                              **errors(403, 404, 409)})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_id>\d+)")
    def remove_member(self, request, pk=None, user_id=None):
        """A member leaves (their own id), or the authorized representative removes one;
        409 for the last authorized representative."""
        organization = self.get_object()
        services.membership_remove(actor=request.user, organization=organization, user_id=int(user_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(responses={200: InvitationSerializer(many=True), **errors()}),
)
class InvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's invitations (newest first); ``?status=invited`` for open ones."""

    serializer_class = InvitationSerializer
    filterset_fields = {"status": ["exact"]}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return (Invitation.objects.restrict(self.request.user).filter(invitee=self.request.user)
                .select_related("organization").order_by("-created_at", "-id"))

    @extend_schema(request=None, responses={200: InvitationSerializer, **errors(403, 404, 409)})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Join the organization with the role offered."""
        invitation = services.invitation_accept(actor=request.user, invitation_id=_int_id(pk))
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses={200: InvitationSerializer, **errors(404, 409)})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        invitation = services.invitation_decline(actor=request.user, invitation_id=_int_id(pk))
        return Response(InvitationSerializer(invitation).data)


def _int_id(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
