"""The officer dashboard: its numbers agree with the funds and ranking APIs, every status is
counted, exports neutralise formulas, and only program staff see it."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.choices import ApplicationStatus
from reviews.models import ReviewAssignment
from tests.awards.factories import issue, negotiation_app
from tests.factories import ApplicationFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    opp = OpportunityFactory(instruments=["grant", "loan", "cooperative_agreement"],
                             budget_ceiling=Decimal("500000000.00"), max_award=Decimal("100000000.00"))
    grant = issue(negotiation_app(opportunity=opp, federal_amount=Decimal("12000000.00")))
    loan = issue(negotiation_app(opportunity=opp, instrument="loan", federal_amount=Decimal("50000000.00")))
    ApplicationFactory(opportunity=opp, status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(opportunity=opp, status=ApplicationStatus.SUBMITTED, title="=HYPERLINK(\"x\")")
    ApplicationFactory(opportunity=opp)
    reviewing = ApplicationFactory(opportunity=opp, status=ApplicationStatus.UNDER_REVIEW)
    ReviewAssignment.objects.create(application=reviewing, reviewer=UserFactory(reviewer=True), status="active",
                                    due_at=timezone.now() - dt.timedelta(days=2))
    return opp, grant, loan


def test_dashboard_numbers_agree_with_the_funds_and_ranking_apis(client_for, portfolio):
    opp, grant, loan = portfolio
    officer = client_for(UserFactory(officer=True))
    dash = officer.get(f"/api/v1/opportunities/{opp.pk}/dashboard/").json()
    funds = officer.get(f"/api/v1/opportunities/{opp.pk}/funds/").json()
    ranking = officer.get(f"/api/v1/opportunities/{opp.pk}/ranking/").json()

    assert {k: dash[k] for k in ("budget_ceiling", "obligated", "available")} == \
        {k: funds[k] for k in ("budget_ceiling", "obligated", "available")}
    # The grant obligates its amount, the loan principal x the 10% credit subsidy rate.
    assert Decimal(dash["obligated"]) == Decimal("12000000.00") + Decimal("5000000.00")
    pipeline = {row["status"]: row["count"] for row in dash["pipeline"]}
    assert set(pipeline) == set(ApplicationStatus.values)  # zeros included
    assert pipeline["awarded"] == 2 and pipeline["submitted"] == 2 and pipeline["draft"] == 1
    assert sum(pipeline.values()) == dash["applications"] == 6
    rows = ranking["results"] if isinstance(ranking, dict) else ranking
    assert pipeline["reviewed"] + pipeline["selected"] + pipeline["negotiation"] + pipeline["awarded"] >= len(rows)
    by_state = {row["state"]: Decimal(row["obligated"]) for row in dash["by_state"]}
    assert sum(by_state.values()) == Decimal(dash["obligated"])
    assert [r["award_number"] for r in dash["overdue_acceptances"]] == []
    assert len(dash["overdue_reviews"]) == 1


def test_overdue_acceptance_is_listed(client_for, portfolio):
    opp, grant, _ = portfolio
    type(grant).objects.filter(pk=grant.pk).update(acceptance_due_at=timezone.now() - dt.timedelta(hours=1))
    dash = client_for(UserFactory(officer=True)).get(f"/api/v1/opportunities/{opp.pk}/dashboard/").json()
    assert [r["award_number"] for r in dash["overdue_acceptances"]] == [grant.award_number]


def test_dashboard_page_draws_charts_and_grouped_money(client, portfolio):
    opp, *_ = portfolio
    client.force_login(UserFactory(officer=True))
    page = client.get(f"/dashboards/opportunities/{opp.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<svg class="chart" role="img"') == 3
    assert "$17,000,000.00" in html  # obligated, grouped


@pytest.mark.parametrize("who, status", [("applicant", 403), ("reviewer", 403), ("officer", 200), ("admin", 200)])
def test_only_program_staff_see_the_dashboard(client_for, portfolio, who, status):
    opp, *_ = portfolio
    user = UserFactory(**({who: True} if who != "applicant" else {}))
    assert client_for(user).get(f"/api/v1/opportunities/{opp.pk}/dashboard/").status_code == status


def test_exports_list_every_row_and_neutralise_formulas(client, portfolio):
    opp, grant, loan = portfolio
    client.force_login(UserFactory(officer=True))
    apps = list(csv.reader(io.StringIO(client.get(f"/dashboards/opportunities/{opp.pk}/applications.csv")
                                       .content.decode())))
    assert len(apps) == 1 + 6
    assert any(row[1] == "'=HYPERLINK(\"x\")" for row in apps[1:])
    awards = list(csv.reader(io.StringIO(client.get(f"/dashboards/opportunities/{opp.pk}/awards.csv")
                                         .content.decode())))
    assert sorted(r[0] for r in awards[1:]) == sorted([grant.award_number, loan.award_number])
