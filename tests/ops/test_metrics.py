"""/metrics: django-prometheus request metrics plus our own, behind a token or IP allow-list."""

import re

import pytest
from django.db import transaction

from ops import metrics

pytestmark = pytest.mark.django_db


def _value(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_loopback_may_scrape_and_sees_app_and_request_metrics(client):
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert 'dpa_queue_depth{queue="celery"}' in text  # read from the test Redis
    assert "dpa_outbox_backlog" in text


def test_other_addresses_need_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1",
                      ).status_code == 403  # a forwarded header proves nothing
    ok = client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                    HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert ok.status_code == 200


def test_no_token_configured_means_no_token_accepted(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_committed_transitions_and_letters_are_counted(django_capture_on_commit_callbacks):
    from applications.services import application_transition
    from tests.factories import ApplicationFactory, aor_of

    before = metrics.exposition().decode()
    app = ApplicationFactory(ready=True)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application_id=app.pk, name="submit",
                               actor=aor_of(app.organization))
    # A rolled-back transition is not counted.
    app2 = ApplicationFactory(ready=True)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            application_transition(application_id=app2.pk, name="submit",
                                   actor=aor_of(app2.organization))
            raise RuntimeError("roll back")
    after = metrics.exposition().decode()
    sample = 'dpa_transitions_total{model="application",transition="submit"}'
    assert _value(after, sample) - _value(before, sample) == 1


def test_a_reminder_sweep_is_timed_and_its_reminders_counted():
    from notifications.tasks import sweep_reminders

    before = metrics.exposition().decode()
    sweep_reminders.apply()
    after = metrics.exposition().decode()
    count = "dpa_reminder_sweep_duration_seconds_count"
    assert _value(after, count) - _value(before, count) == 1
    assert "dpa_reminders_sent_total" in after
