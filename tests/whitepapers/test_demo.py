"""load_demo adds one two-step opportunity with white papers in several states, and a
second run creates nothing."""

import pytest
from django.utils import timezone

from applications.models import FundingOpportunity
from tests.applications.test_load_demo import run_load_demo
from whitepapers.demo import TWO_STEP_NUMBER
from whitepapers.models import WhitePaper


@pytest.mark.django_db
def test_demo_has_a_two_step_opportunity_with_white_papers_in_several_states():
    run_load_demo()
    opp = FundingOpportunity.objects.get(number=TWO_STEP_NUMBER)
    assert opp.two_step and opp.takes_white_papers()
    assert timezone.localtime(opp.white_paper_closes_at).hour == 17
    states = set(WhitePaper.objects.filter(opportunity=opp).values_list("status", flat=True))
    assert states == {"draft", "submitted", "encouraged", "discouraged"}
    encouraged = WhitePaper.objects.get(opportunity=opp, status="encouraged")
    assert encouraged.proposal_due_at > timezone.now() and encouraged.document.pages >= 1
    before = WhitePaper.objects.count()
    assert "already loaded" in run_load_demo()
    assert WhitePaper.objects.count() == before
