"""Fault: Redis goes down during a burst of submissions, transitions and awards.

Every request still commits and answers (the tasks it owes are outbox rows in its own
transaction; publishing them after commit fails quietly). Once Redis is back, beat's
outbox relay publishes what is owed and the worker delivers every email, notification and
letter within two minutes, exactly once (the file email backend and the database agree).
"""

import time

import pytest
from rest_framework.test import APIClient

from applications.choices import ApplicationStatus
from applications.models import Application, TransitionLog
from awards.choices import LetterStatus
from awards.models import Award
from notifications.models import Notification
from ops.models import OutboxMessage
from tests.awards.factories import issuing_officer, negotiation_app
from tests.factories import ApplicationFactory, UserFactory, aor_of

from .procs import app_env, celery_worker, database_url_of_tests, emails_sent, wait_until

DELIVERY_SECONDS = 120


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _fire(user, app, name):
    response = _client(user).post(f"/api/v1/applications/{app.pk}/transitions/{name}/",
                                  {"comment": f"{name} during the burst"}, format="json")
    assert response.status_code == 200, (name, response.status_code, response.content[:500])
    return response


@pytest.mark.integration
@pytest.mark.persistent_redis
@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_nothing_is_lost_when_the_broker_is_down_during_a_burst(private_redis, tmp_path):
    officer, issuer = UserFactory(officer=True), issuing_officer()
    drafts = [ApplicationFactory(ready=True) for _ in range(4)]
    negotiations = [negotiation_app() for _ in range(3)]

    env = app_env(broker_url=private_redis.url, database_url=database_url_of_tests(),
                  tmp=tmp_path, OUTBOX_RELAY_SECONDS=3, CELERY_VISIBILITY_TIMEOUT=30,
                  REMINDER_SWEEP_SECONDS=3600)
    worker = celery_worker(env, tmp_path / "worker.log", name="outage", beat=True, tmp=tmp_path)
    try:
        # Before the outage: published at once.
        _fire(aor_of(drafts[0].organization), drafts[0], "submit")
        _fire(issuer, negotiations[0], "award")

        private_redis.stop()
        down_at = time.monotonic()
        _fire(aor_of(drafts[1].organization), drafts[1], "submit")
        _fire(aor_of(drafts[2].organization), drafts[2], "submit")
        _fire(officer, drafts[0], "start_screening")
        _fire(issuer, negotiations[1], "award")
        _fire(officer, drafts[1], "start_screening")
        _fire(aor_of(drafts[3].organization), drafts[3], "submit")
        _fire(issuer, negotiations[2], "award")
        assert OutboxMessage.objects.exists()  # owed, not lost
        outage_seconds = time.monotonic() - down_at

        private_redis.start()
        back_at = time.monotonic()

        def delivered():
            # Each transition's notices are written by the worker after commit: told of
            # every transition of the burst, every email sent, every letter ready.
            burst = TransitionLog.objects.filter(comment__endswith="during the burst")
            told = (Notification.objects.filter(transition_log__in=burst)
                    .values("transition_log").distinct().count())
            emails_owed = Notification.objects.filter(email_pending=True).exists()
            letters = set(Award.objects.values_list("letter_status", flat=True))
            return (told == burst.count() and not emails_owed and letters == {LetterStatus.READY}
                    and not OutboxMessage.objects.exists())

        wait_until(delivered, DELIVERY_SECONDS, interval=1,
                   what=f"delivery after the outage\n{worker.output()}")
        delivery_seconds = time.monotonic() - back_at
    finally:
        worker.stop()

    # Every request committed.
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[drafts[0].pk] == statuses[drafts[1].pk] == ApplicationStatus.SCREENING
    assert statuses[drafts[2].pk] == statuses[drafts[3].pk] == ApplicationStatus.SUBMITTED
    assert all(statuses[a.pk] == ApplicationStatus.AWARDED for a in negotiations)

    # Notifications: one set per transition, written after it; each email sent exactly once.
    notes = Notification.objects.all()
    assert notes.filter(object_id__in=[d.pk for d in drafts]).count() >= 6
    emailed = notes.exclude(emailed_at=None).count()
    assert emailed == notes.exclude(recipient__email="").count() > 0
    message_ids = emails_sent(tmp_path / "mail")
    assert len(message_ids) == len(set(message_ids)) == emailed

    # Letters: one per award.
    award_ids = list(Award.objects.values_list("pk", flat=True))
    assert len(award_ids) == 3
    generated = TransitionLog.objects.filter(transition="letter_generated")
    assert sorted(generated.values_list("object_id", flat=True)) == sorted(award_ids)
    print(f"outage {outage_seconds:.1f} s; delivered {delivery_seconds:.1f} s after Redis returned")
