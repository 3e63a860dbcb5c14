"""REST API v1: the SAM exclusion check of an organization and officers' clearance (api.md)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from dpa_funding import policy
from dpa_funding.api.schema import errors
from dpa_funding.api.validation import validate_all
from exclusions import services

from .serializers import ClearRequestSerializer, ExclusionCheckSerializer, check_body


def _organization(request, pk) -> Organization:
    # 404 for organizations the user may not see; 403 (in the service) for members.
    return get_object_or_404(Organization.objects.restrict(request.user), pk=pk)


class ExclusionCheckView(APIView):
    @extend_schema(
        operation_id="organizations_exclusion_check", tags=["organizations"],
        summary="Check the organization against the current SAM exclusions extract",
        description="Excluded when an active record has the organization's UEI; records without a "
                    "UEI and with the same normalized legal name are possible matches an officer "
                    "must clear. The check is recorded.",
        responses={200: ExclusionCheckSerializer, **errors(403, 404)},
    )
    def get(self, request, pk):
        check, finding = services.check_organization(actor=request.user, organization=_organization(request, pk))
        return Response(ExclusionCheckSerializer(check_body(check, finding)).data)


class ExclusionClearView(APIView):
    @extend_schema(
        operation_id="organizations_exclusion_check_clear", tags=["organizations"],
        summary="Clear the possible name matches for the current extract",
        description="The officer's finding, with the reason, that the possible matches are not this "
                    "organization. Holds for this extract only; a UEI match cannot be cleared.",
        request=ClearRequestSerializer, responses={200: ExclusionCheckSerializer, **errors(400, 403, 404)},
    )
    def post(self, request, pk):
        organization = _organization(request, pk)
        policy.require(request.user, "exclusion.clear", organization)  # who, before what they sent
        body = ClearRequestSerializer(data=request.data)
        data = validate_all(body, dry_run=lambda d: services.clear_possible_matches(
            actor=request.user, organization=organization, comment=d.get("comment", "")))
        services.clear_possible_matches(actor=request.user, organization=organization, comment=data["comment"])
        check, finding = services.check_organization(actor=request.user, organization=organization)
        return Response(ExclusionCheckSerializer(check_body(check, finding)).data)
