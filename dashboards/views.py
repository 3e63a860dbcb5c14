"""The officer's dashboard of an opportunity, its CSV exports, and search."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from applications.models import FundingOpportunity
from dpa_funding import policy
from dpa_funding.formatting import money

from . import exports
from . import search as search_service
from .selectors import opportunity_dashboard
from .svg import Bar, bar_chart


def _opportunity_for_staff(request, pk: int) -> FundingOpportunity:
    policy.require(request.user, "dashboard.view", message="Opportunity dashboards are for program staff.")
    return get_object_or_404(FundingOpportunity, pk=pk)


@login_required
def opportunity_dashboard_page(request, pk: int):
    opportunity = _opportunity_for_staff(request, pk)
    data = opportunity_dashboard(opportunity)
    funds = data["funds"]
    charts = {
        "pipeline": bar_chart(
            [Bar(row["label"], row["count"], str(row["count"])) for row in data["pipeline"] if row["count"]],
            title="Applications by status", chart_id="chart-pipeline",
            description="Number of applications in each workflow status; the table below lists every status.",
        ),
        "by_mineral": bar_chart(
            [Bar(row["name"], row["obligated"], money(row["obligated"])) for row in funds["by_mineral"]],
            title="Obligated by mineral", chart_id="chart-mineral",
            description="Active obligations under each mineral of the awarded projects; the table below has "
                        "the same figures.",
        ),
        "by_state": bar_chart(
            [Bar(row["state"], row["obligated"], money(row["obligated"])) for row in data["by_state"]],
            title="Obligated by state", chart_id="chart-state",
            description="Active obligations by the state of the project site; the table below has the same "
                        "figures.",
        ),
    }
    return render(request, "dashboards/opportunity.html", {**data, "charts": charts})


@login_required
def applications_export(request, pk: int):
    return exports.applications_csv(_opportunity_for_staff(request, pk))


@login_required
def awards_export(request, pk: int):
    return exports.awards_csv(_opportunity_for_staff(request, pk))


@login_required
def search_page(request):
    results = search_service.search(request.user, request.GET.get("q", ""))
    return render(request, "dashboards/search.html", {"results": results, "q": results.query})
