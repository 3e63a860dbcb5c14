"""A letter whose task was lost (broker down at commit) is sent again by the beat sweep."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from awards.choices import LetterStatus
from awards.letters import STALLED_LETTER_AGE, award_letters_requeue_stalled
from awards.models import Award
from awards.services import award_issue
from tests.awards.factories import issuing_officer, negotiation_app

pytestmark = pytest.mark.django_db


def _issued_award() -> Award:
    return award_issue(application=negotiation_app(), actor=issuing_officer())


def test_only_letters_pending_longer_than_the_stall_age_are_requeued():
    award = _issued_award()
    with mock.patch("awards.tasks.generate_award_letter.delay") as delay:
        assert award_letters_requeue_stalled(now=award.issued_at + STALLED_LETTER_AGE / 2) == []
        assert award_letters_requeue_stalled(now=award.issued_at + STALLED_LETTER_AGE * 2) == [award.pk]
    delay.assert_called_once_with(award.pk, award.terms_version)


def test_ready_and_failed_letters_are_left_alone():
    ready, failed = _issued_award(), _issued_award()
    Award.objects.filter(pk=ready.pk).update(letter_status=LetterStatus.READY)
    Award.objects.filter(pk=failed.pk).update(letter_status=LetterStatus.FAILED)
    with mock.patch("awards.tasks.generate_award_letter.delay") as delay:
        assert award_letters_requeue_stalled(now=timezone.now() + dt.timedelta(days=1)) == []
    delay.assert_not_called()
