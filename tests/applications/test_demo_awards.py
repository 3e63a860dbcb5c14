"""The demo's historical awards are real Award and Obligation rows."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import User
from applications import demo_history as history
from applications.demo import HISTORY_NUMBER
from applications.models import Application, FundingOpportunity
from awards.choices import AwardStatus, LetterStatus
from awards.models import Award, AwardNumberSequence, Obligation
from awards.selectors import opportunity_funds
from awards.services import fiscal_year_of, obligation_amount


def run_load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", "--allow-default-password", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    return run_load_demo()


def test_every_dated_historical_award_has_an_award_and_an_obligation(loaded):
    dated = [r for r in history.read_rows() if not r.skip_reason and r.submitted_at]
    awards = Award.objects.filter(application__opportunity__number=HISTORY_NUMBER)
    assert awards.count() == len(dated) >= 26
    assert Obligation.objects.filter(award__in=awards, released_at__isnull=True).count() == len(dated)
    for award in awards.select_related("application", "obligation", "application__opportunity"):
        app = award.application
        assert award.status == AwardStatus.ACCEPTED
        assert award.letter_status == LetterStatus.IMPORTED and not award.letter_file
        assert award.federal_amount == app.federal_amount_requested
        assert award.fiscal_year == fiscal_year_of(app.submitted_at)
        assert award.award_number == f"DPA3-FY{award.fiscal_year % 100:02d}-{award.sequence:04d}"
        assert award.obligation.amount == obligation_amount(
            instrument=award.instrument, federal_amount=award.federal_amount,
            principal=award.federal_amount, opportunity=app.opportunity)
        assert any("Imported from a public award announcement" in c for c in award.conditions)
        assert app.submitted_record["project"]["minerals"]


def test_numbers_are_gap_free_per_fiscal_year_and_in_announcement_order(loaded):
    for seq in AwardNumberSequence.objects.all():
        awards = list(Award.objects.filter(fiscal_year=seq.fiscal_year).order_by("sequence"))
        assert [a.sequence for a in awards] == list(range(1, seq.last_number + 1))
        issued = [a.issued_at for a in awards]
        assert issued == sorted(issued)
    mp = Award.objects.get(application__title__startswith="MP Materials", issued_at__year=2020)
    assert mp.award_number == "DPA3-FY21-0003"  # Nov 17, 2020 is in FY2021, after two Nov 2020 awards


def test_funds_add_up_the_historical_obligations(loaded):
    opp = FundingOpportunity.objects.get(number=HISTORY_NUMBER)
    funds = opportunity_funds(opp)
    total = sum(Obligation.objects.filter(opportunity=opp).values_list("amount", flat=True))
    assert funds["obligated"] == total > Decimal("0")
    assert funds["available"] == opp.budget_ceiling - total
    assert sum(row["obligated"] for row in funds["by_instrument"]) == total
    assert funds["by_mineral"]


def test_the_demo_applicant_sees_their_historical_awards(loaded, client):
    applicant = User.objects.get(username="demo_applicant")
    client.force_login(applicant)
    page = client.get("/awards/").content.decode()
    mine = Award.objects.visible_to(applicant)
    assert mine.count() == 5  # two historical organizations' four, and the latest historical award
    for award in mine:
        assert award.award_number in page
    assert "No awards yet" not in page


def test_undated_rows_are_reported_and_a_second_run_adds_nothing(loaded):
    undated = [r for r in history.read_rows() if not r.skip_reason and not r.submitted_at]
    for row in undated:
        assert row.company in loaded
        app = Application.objects.get(title=row.title)
        assert not Award.objects.filter(application=app).exists()
    before = (Award.objects.count(), Obligation.objects.count(),
              list(AwardNumberSequence.objects.values_list("fiscal_year", "last_number")))
    run_load_demo()
    assert (Award.objects.count(), Obligation.objects.count(),
            list(AwardNumberSequence.objects.values_list("fiscal_year", "last_number"))) == before


def test_an_imported_letter_cannot_be_regenerated(loaded):
    from awards.letters import award_letter_request
    from dpa_funding.errors import InvalidTransition

    award = Award.objects.filter(letter_status=LetterStatus.IMPORTED).first()
    with pytest.raises(InvalidTransition):
        award_letter_request(actor=User.objects.get(username="demo_officer"), award=award)
