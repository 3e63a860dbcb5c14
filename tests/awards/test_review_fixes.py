"""Regression tests from the review of the awards app."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from awards.choices import LetterStatus
from awards.models import Award
from tests.awards.factories import issue, issuing_officer, negotiation_app

pytestmark = pytest.mark.django_db


def test_regenerating_a_letter_while_the_broker_is_down_still_answers_202(
        client_for, django_capture_on_commit_callbacks):
    award = issue(negotiation_app())
    Award.objects.filter(pk=award.pk).update(letter_status=LetterStatus.FAILED, letter_error="font missing")
    officer = client_for(issuing_officer())
    with mock.patch("awards.tasks.generate_award_letter.delay",
                    side_effect=OperationalError("broker down")) as delay, \
            django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"/api/v1/awards/{award.pk}/regenerate-letter/")
    assert delay.called
    assert response.status_code == 202
    # left pending, so the stalled-letter sweep sends it once the broker is back
    assert Award.objects.get(pk=award.pk).letter_status == LetterStatus.PENDING
