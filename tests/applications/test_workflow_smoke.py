import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from applications.choices import ApplicationStatus
from applications.models import TransitionLog
from applications.services import application_transition, application_transitioned
from dpa_funding.errors import ConditionsUnmet, InvalidTransition, NotPermitted
from tests.factories import ApplicationFactory, UserFactory, aor_of

pytestmark = pytest.mark.django_db


def test_aor_submits_a_complete_application_and_the_change_is_logged():
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    received = []

    def receiver(sender, **kwargs):
        # Announced inside the transition's transaction: the state change is visible here,
        # and whatever a receiver writes commits or rolls back with it.
        assert transaction.get_connection().in_atomic_block
        received.append((kwargs["transition"], kwargs["from_state"], kwargs["to_state"]))

    application_transitioned.connect(receiver)
    try:
        app = application_transition(application_id=app.pk, name="submit", actor=aor)
    finally:
        application_transitioned.disconnect(receiver)
    assert received == [("submit", "draft", "submitted")]
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.submitted_at is not None
    log = TransitionLog.objects.get(object_id=app.pk)
    assert (log.transition, log.from_state, log.to_state, log.actor) == ("submit", "draft", "submitted", aor)


def test_submit_lists_every_unmet_guard():
    app = ApplicationFactory(cost_share_amount=0, summary="", opportunity__closes_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="submit", actor=aor_of(app.organization))
    text = " | ".join(exc.value.unmet)
    assert "project summary" in text and "technical report" in text and "budget justification" in text
    assert "Cost share" in text and "SF-424A budget total" in text
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT
    assert not TransitionLog.objects.exists()


def test_officer_transition_by_applicant_is_forbidden_and_wrong_state_is_invalid():
    app = ApplicationFactory(ready=True)
    with pytest.raises(NotPermitted):
        application_transition(application_id=app.pk, name="start_screening", actor=aor_of(app.organization))
    with pytest.raises(InvalidTransition):
        application_transition(application_id=app.pk, name="start_screening", actor=UserFactory(officer=True))
