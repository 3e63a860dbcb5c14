"""The award lifecycle (awards/workflow.py) through the one door: decline and rescind
release the obligation and close the application; the acceptance deadline."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from applications.choices import ApplicationStatus, Instrument
from applications.models import TransitionLog
from awards.choices import AwardStatus
from awards.models import Award
from awards.services import default_acceptance_due_at
from dpa_funding import lifecycle
from tests.awards.factories import issuing_officer, negotiation_app
from tests.factories import OpportunityFactory, aor_of

pytestmark = pytest.mark.django_db
EASTERN = ZoneInfo("America/New_York")


def _issue(client_for, app, **body):
    officer = issuing_officer()
    response = client_for(officer).post(f"/api/v1/applications/{app.pk}/transitions/award/", body, format="json")
    assert response.status_code == 200, response.json()
    return Award.objects.get(application=app), officer


def _funds(client, opp):
    body = client.get(f"/api/v1/opportunities/{opp.pk}/funds/").json()
    return body["obligated"], body["available"]


def test_aor_declines_with_a_comment_and_the_money_returns(client_for):
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("30000000.00"))
    award, officer = _issue(client_for, negotiation_app(opportunity=opp))
    staff = client_for(officer)
    assert _funds(staff, opp) == ("10000000.00", "20000000.00")
    aor = client_for(aor_of(award.application.organization))

    blank = aor.post(f"/api/v1/awards/{award.pk}/decline/", {"comment": "  "}, format="json")
    assert blank.status_code == 400 and blank.json()["code"] == "conditions_unmet"
    assert blank.json()["unmet"] == [lifecycle.COMMENT_REQUIRED]
    assert staff.post(f"/api/v1/awards/{award.pk}/decline/", {"comment": "x"}, format="json").status_code == 403
    assert _funds(staff, opp) == ("10000000.00", "20000000.00")  # failures changed nothing

    response = aor.post(f"/api/v1/awards/{award.pk}/decline/", {"comment": "Financing fell through."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == AwardStatus.DECLINED
    assert _funds(staff, opp) == ("0.00", "30000000.00")
    award.refresh_from_db()
    assert award.application.status == ApplicationStatus.AWARD_DECLINED
    assert award.obligation.released_at is not None
    log = TransitionLog.objects.get(transition="record_award_declined")
    assert (log.from_state, log.to_state, log.comment) == ("awarded", "award_declined", "Financing fell through.")
    # Declined is final: neither accept nor rescind afterwards.
    assert aor.post(f"/api/v1/awards/{award.pk}/accept/").status_code == 409


def test_decline_after_the_deadline_is_refused(client_for):
    award, _ = _issue(client_for, negotiation_app())
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(minutes=1)):
        response = client_for(aor_of(award.application.organization)).post(
            f"/api/v1/awards/{award.pk}/decline/", {"comment": "Too late?"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "conditions_unmet"
    assert Award.objects.get(pk=award.pk).status == AwardStatus.PENDING_ACCEPTANCE


def test_officer_rescinds_after_the_deadline_without_a_body(client_for):
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("30000000.00"))
    award, officer = _issue(client_for, negotiation_app(opportunity=opp))
    staff = client_for(officer)
    early = staff.post(f"/api/v1/awards/{award.pk}/rescind/", {}, format="json")
    assert early.status_code == 400 and early.json()["code"] == "conditions_unmet"
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(seconds=1)):
        response = staff.post(f"/api/v1/awards/{award.pk}/rescind/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == AwardStatus.RESCINDED
    assert _funds(staff, opp) == ("0.00", "30000000.00")
    award.refresh_from_db()
    assert award.application.status == ApplicationStatus.AWARD_RESCINDED
    assert (award.rescinded_by, award.status) == (officer, AwardStatus.RESCINDED)


def test_generic_award_transitions_endpoint_lists_and_fires(client_for):
    award, _ = _issue(client_for, negotiation_app())
    aor = client_for(aor_of(award.application.organization))
    listed = aor.get(f"/api/v1/awards/{award.pk}/transitions/").json()
    assert [t["name"] for t in listed["results"]] == ["accept", "decline_award"]
    assert aor.post(f"/api/v1/awards/{award.pk}/transitions/nope/", {}, format="json").status_code == 404
    response = aor.post(f"/api/v1/awards/{award.pk}/transitions/accept/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == AwardStatus.ACCEPTED


def test_nobody_fires_the_application_follow_up_transitions_directly(client_for):
    award, officer = _issue(client_for, negotiation_app())
    for name in ("record_award_declined", "record_award_rescinded"):
        response = client_for(officer).post(
            f"/api/v1/applications/{award.application_id}/transitions/{name}/", {}, format="json")
        assert response.status_code == 403
    assert Award.objects.get(pk=award.pk).application.status == ApplicationStatus.AWARDED


@pytest.mark.parametrize(("issued", "due"), [
    # Issued in EDT, due in EST (the clocks fall back on Nov 1, 2026): still 5:00 p.m. local.
    (dt.datetime(2026, 10, 15, 23, 30, tzinfo=EASTERN), dt.datetime(2026, 11, 14, 17, 0, tzinfo=EASTERN)),
    # Issued in EST, due in EDT (spring forward on Mar 8, 2026).
    (dt.datetime(2026, 2, 20, 9, 0, tzinfo=EASTERN), dt.datetime(2026, 3, 22, 17, 0, tzinfo=EASTERN)),
    # 03:30 UTC on June 1 is May 31 in Eastern time: the Eastern date counts.
    (dt.datetime(2026, 6, 1, 3, 30, tzinfo=dt.UTC), dt.datetime(2026, 6, 30, 17, 0, tzinfo=EASTERN)),
])
def test_default_acceptance_deadline_is_5pm_eastern_on_day_30(issued, due):
    got = default_acceptance_due_at(issued)
    assert got == due
    assert got.astimezone(EASTERN).hour == 17
    assert got.utcoffset() == due.utcoffset()


def test_issuing_sets_the_default_deadline_or_the_officers(client_for):
    with time_machine.travel(dt.datetime(2026, 10, 15, 12, 0, tzinfo=EASTERN), tick=False):
        award, _ = _issue(client_for, negotiation_app())
        chosen = dt.datetime(2026, 12, 1, 12, 0, tzinfo=EASTERN)
        other, _ = _issue(client_for, negotiation_app(), acceptance_due_at=chosen.isoformat())
        past = negotiation_app()
        response = client_for(issuing_officer()).post(
            f"/api/v1/applications/{past.pk}/transitions/award/",
            {"acceptance_due_at": "2026-10-01T12:00:00-04:00"}, format="json")
    assert award.acceptance_due_at == dt.datetime(2026, 11, 14, 17, 0, tzinfo=EASTERN)
    assert other.acceptance_due_at == chosen
    assert response.status_code == 400 and "The acceptance deadline must be in the future." in response.json()["unmet"]
    assert not Award.objects.filter(application=past).exists()


def test_award_page_buttons_come_from_the_table(client):
    from django.urls import reverse

    from tests.awards.factories import issue

    award = issue(negotiation_app())
    client.force_login(aor_of(award.application.organization))
    page = client.get(reverse("awards:detail", args=[award.pk])).content
    assert b"Accept award" in page and b"Decline award" in page and b"Rescind award" not in page
    client.post(reverse("awards:transition", args=[award.pk, "decline_award"]), {"comment": "No longer needed."})
    award.refresh_from_db()
    assert award.status == AwardStatus.DECLINED and award.obligation.released_at is not None


def test_the_program_office_hears_of_acceptance_and_declining_and_members_of_rescission(client_for):
    from notifications.models import Notification

    accepted, officer = _issue(client_for, negotiation_app())
    client_for(aor_of(accepted.application.organization)).post(f"/api/v1/awards/{accepted.pk}/accept/")
    notice = Notification.objects.get(recipient=officer, subject__contains="accepted")
    assert accepted.award_number in notice.subject and notice.url == f"/awards/{accepted.pk}/"

    declined, officer = _issue(client_for, negotiation_app())
    client_for(aor_of(declined.application.organization)).post(
        f"/api/v1/awards/{declined.pk}/decline/", {"comment": "Financing fell through."}, format="json")
    notice = Notification.objects.get(recipient=officer, subject__contains="declined")
    assert "Financing fell through." in notice.body

    rescinded, officer = _issue(client_for, negotiation_app())
    aor = aor_of(rescinded.application.organization)
    with time_machine.travel(rescinded.acceptance_due_at + dt.timedelta(seconds=1)):
        client_for(officer).post(f"/api/v1/awards/{rescinded.pk}/rescind/", {}, format="json")
    assert Notification.objects.filter(recipient=aor, subject=f"Award {rescinded.award_number} rescinded").exists()
