"""select, begin_negotiation and decline: through the one door and over HTTP."""

import pytest

from applications.choices import ApplicationStatus
from applications.models import TransitionLog
from applications.services import application_transition
from dpa_funding.errors import ConditionsUnmet, InvalidTransition, NotPermitted
from tests.factories import ApplicationFactory, UserFactory, aor_of

pytestmark = pytest.mark.django_db


def _officer():
    return UserFactory(officer=True)


def test_select_then_begin_negotiation_through_the_service_are_logged():
    app = ApplicationFactory(status=ApplicationStatus.REVIEWED)
    officer = _officer()
    app = application_transition(application_id=app.pk, name="select", actor=officer)
    assert app.status == ApplicationStatus.SELECTED
    app = application_transition(application_id=app.pk, name="begin_negotiation", actor=officer)
    assert app.status == ApplicationStatus.NEGOTIATION
    assert list(TransitionLog.objects.values_list("transition", "from_state", "to_state")) == [
        ("select", "reviewed", "selected"), ("begin_negotiation", "selected", "negotiation")]


@pytest.mark.parametrize("state", [ApplicationStatus.REVIEWED, ApplicationStatus.SELECTED,
                                   ApplicationStatus.NEGOTIATION])
def test_decline_needs_a_comment_and_works_from_reviewed_selected_and_negotiation(state):
    app = ApplicationFactory(status=state)
    officer = _officer()
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="decline", actor=officer, data={"comment": "  "})
    assert exc.value.unmet == ["A comment is required."]
    app = application_transition(application_id=app.pk, name="decline", actor=officer,
                                 data={"comment": "Outside program priorities."})
    assert app.status == ApplicationStatus.DECLINED
    log = TransitionLog.objects.get(transition="decline")
    assert (log.comment, log.comment_internal) == ("Outside program priorities.", False)


def test_select_is_for_officers_and_only_from_reviewed():
    app = ApplicationFactory(status=ApplicationStatus.REVIEWED)
    with pytest.raises(NotPermitted):
        application_transition(application_id=app.pk, name="select", actor=aor_of(app.organization))
    with pytest.raises(InvalidTransition):
        application_transition(application_id=app.pk, name="begin_negotiation", actor=_officer())
    declined = ApplicationFactory(status=ApplicationStatus.DECLINED)
    with pytest.raises(InvalidTransition):
        application_transition(application_id=declined.pk, name="select", actor=_officer())


def test_selection_transitions_over_the_api(client_for):
    app = ApplicationFactory(status=ApplicationStatus.REVIEWED)
    officer = client_for(_officer())
    url = f"/api/v1/applications/{app.pk}/transitions/"
    assert officer.post(url + "select/", {}, format="json").json()["status"] == "selected"
    assert officer.post(url + "begin_negotiation/", {}, format="json").json()["status"] == "negotiation"
    response = officer.post(url + "decline/", {}, format="json")
    assert response.status_code == 400 and response.json()["unmet"] == ["A comment is required."]
    response = officer.post(url + "decline/", {"comment": "Budget exhausted."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert officer.post(url + "select/", {}, format="json").status_code == 409


def test_applicant_cannot_select_over_the_api(client_for):
    app = ApplicationFactory(status=ApplicationStatus.REVIEWED)
    response = client_for(aor_of(app.organization)).post(
        f"/api/v1/applications/{app.pk}/transitions/select/", {}, format="json")
    assert response.status_code == 403
