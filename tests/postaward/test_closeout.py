"""Closeout (2 CFR 200.344): accepted -> closeout when the period ends (a beat job), then
closed by an officer with award authority once the final reports are accepted, releasing
exactly the unliquidated balance to the opportunity."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import TransitionLog
from awards.choices import AwardStatus
from awards.models import Award, Obligation
from awards.selectors import opportunity_funds
from dpa_funding import lifecycle
from dpa_funding.errors import ConditionsUnmet, NotPermitted
from payments.choices import PaymentRequestStatus, RequestType
from payments.models import PaymentRequest
from postaward.choices import ReportStatus
from postaward.models import Report
from postaward.tasks import start_due_closeouts
from tests.postaward.helpers import accepted_award, aor, officer

pytestmark = pytest.mark.django_db


def ended_award(**kwargs) -> Award:
    today = timezone.localdate()
    return accepted_award(period_start=today - dt.timedelta(days=400), period_end=today - dt.timedelta(days=2),
                          **kwargs)


def closeout_logs(award) -> list[str]:
    return list(TransitionLog.objects.filter(object_id=award.pk, transition="start_closeout")
                .values_list("to_state", flat=True))


def test_the_beat_job_starts_closeout_once_when_the_period_has_ended():
    ended, running = ended_award(), accepted_award()
    assert start_due_closeouts() == 1
    assert start_due_closeouts() == 0  # idempotent
    ended.refresh_from_db()
    running.refresh_from_db()
    assert ended.status == AwardStatus.CLOSEOUT and running.status == AwardStatus.ACCEPTED
    assert closeout_logs(ended) == [AwardStatus.CLOSEOUT]


def test_closeout_cannot_start_before_the_period_ends():
    award = accepted_award()
    with pytest.raises(ConditionsUnmet):
        lifecycle.fire("award", award, "start_closeout", actor=None)
    assert Award.objects.get(pk=award.pk).status == AwardStatus.ACCEPTED


def test_close_needs_the_final_reports_accepted_and_changes_nothing_until_then():
    award = ended_award()
    start_due_closeouts()
    closer = officer()
    with pytest.raises(ConditionsUnmet) as exc:
        lifecycle.fire("award", award, "close", actor=closer)
    assert any("final" in reason for reason in exc.value.unmet)
    assert Award.objects.get(pk=award.pk).status == AwardStatus.CLOSEOUT
    assert Obligation.objects.get(award=award).amount == award.obligation.amount


def test_closing_releases_exactly_the_unliquidated_balance():
    award = ended_award(federal_amount=Decimal("10000000.00"))
    opportunity = award.application.opportunity
    PaymentRequest.objects.create(
        award=award, request_type=RequestType.values[0], amount=Decimal("3250000.55"),
        period_start=award.period_start, period_end=award.period_end, status=PaymentRequestStatus.PAID,
        requested_by=aor(award))
    start_due_closeouts()
    Report.objects.filter(award=award).update(status=ReportStatus.ACCEPTED)  # setup, not the transition
    before = opportunity_funds(opportunity)["available"]
    with pytest.raises(NotPermitted):  # an officer without award authority may not close
        lifecycle.fire("award", award, "close", actor=officer(award_authority=False))
    lifecycle.fire("award", award, "close", actor=officer())
    award.refresh_from_db()
    assert award.status == AwardStatus.CLOSED
    released = opportunity_funds(opportunity)["available"] - before
    assert released == Decimal("10000000.00") - Decimal("3250000.55")


def test_acceptance_generates_the_reporting_schedule():
    from tests.postaward.helpers import issued_award

    award = issued_award()
    assert not Report.objects.filter(award=award).exists()
    lifecycle.fire("award", award, "accept", actor=aor(award))
    assert Report.objects.filter(award=award, final=True).count() == 2
    assert Report.objects.filter(award=award, final=False).exists()
