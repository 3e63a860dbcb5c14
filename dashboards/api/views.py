"""GET /api/v1/opportunities/{id}/dashboard/: the officer dashboard's figures."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.models import FundingOpportunity
from dashboards.selectors import opportunity_dashboard
from dpa_funding.api.permissions import allows
from dpa_funding.api.schema import errors

from .serializers import DashboardSerializer


class OpportunityDashboardView(APIView):
    """Pipeline by status, funds, obligations by mineral and state, overdue reviews and
    acceptances: the numbers of the officer's dashboard page."""

    permission_classes = [allows("dashboard.view")]  # officers and administrators (read-only)

    @extend_schema(operation_id="opportunities_dashboard", responses={200: DashboardSerializer, **errors(403, 404)})
    def get(self, request, pk: int):
        opportunity = get_object_or_404(FundingOpportunity, pk=pk)
        return Response(DashboardSerializer(opportunity_dashboard(opportunity)).data)
