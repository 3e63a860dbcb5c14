"""Signed webhooks: registration and target checks, deliveries written with the event,
sends with retries and backoff against a real HTTP receiver, the log and redelivery."""

import datetime as dt
import json
import socket

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.choices import MemberRole
from applications.choices import ApplicationStatus
from applications.services import application_transition, log_transition
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, aor_of
from webhooks import services, signing, targets
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhook-endpoints/"


def _endpoint(app, url, events=(EventType.APPLICATION_STATUS_CHANGED,)):
    return WebhookEndpoint.objects.create(organization=app.organization, url=url, event_types=list(events),
                                          created_by=aor_of(app.organization))


def _submit(app):
    return application_transition(application_id=app.pk, name="submit", actor=aor_of(app.organization))


# ---------------------------------------------------------------- registration


def test_aor_registers_an_endpoint_and_gets_its_secret(client_for, receiver_factory):
    app = ApplicationFactory()
    receiver = receiver_factory()
    response = client_for(aor_of(app.organization)).post(URL, {
        "organization": app.organization_id, "url": receiver.url,
        "event_types": ["application.status_changed", "award.issued"]})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["organization_name"] == app.organization.legal_name
    assert body["event_types"] == ["application.status_changed", "award.issued"]


def test_contributors_officers_and_strangers_cannot_register(client_for, receiver_factory):
    app = ApplicationFactory()
    receiver = receiver_factory()
    contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    body = {"organization": app.organization_id, "url": receiver.url, "event_types": ["award.issued"]}
    assert client_for(contributor).post(URL, body).status_code == 403
    assert client_for(UserFactory(officer=True)).post(URL, body).status_code == 403
    stranger = client_for(UserFactory()).post(URL, body)
    assert stranger.status_code == 400 and "organization" in stranger.json()  # not visible: no such choice
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://[fe80::1]/hook",  # link-local
    "https://10.1.2.3/hook",  # private
    "https://192.168.0.10/hook",
    "https://127.0.0.1/hook",  # loopback (not allowed without the test setting)
    "ftp://example.com/hook",
    "https://user:pw@example.com/hook",
])
def test_unsafe_targets_are_refused_with_every_error_at_once(client_for, url):
    app = ApplicationFactory()
    response = client_for(aor_of(app.organization)).post(URL, {
        "organization": app.organization_id, "url": url, "event_types": ["no.such.event"]})
    assert response.status_code == 400
    assert {"url", "event_types"} <= set(response.json()), response.json()


def test_plain_http_is_only_for_loopback_under_the_test_setting(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_LOOPBACK_HTTP = True
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("93.184.216.34", 80))])
    with pytest.raises(targets.TargetRefused, match="https"):
        targets.resolve("http://public.example.com/hook")
    assert targets.resolve("https://public.example.com/hook").address == "93.184.216.34"


def test_private_ranges_open_only_when_configured(settings):
    with pytest.raises(targets.TargetRefused):
        targets.resolve("https://10.1.2.3/hook")
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert targets.resolve("https://10.1.2.3/hook").address == "10.1.2.3"
    with pytest.raises(targets.TargetRefused):  # metadata stays closed whatever is configured
        targets.resolve("http://169.254.169.254/")


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("93.184.216.34", 443)),
                                                                (2, 1, 6, "", ("10.0.0.7", 443))])
    with pytest.raises(targets.TargetRefused, match="10.0.0.7"):
        targets.resolve("https://mixed.example.com/hook")


def test_dns_is_checked_again_at_send_time(monkeypatch, celery_eager):
    app = ApplicationFactory(ready=True)
    answers = {"ip": "93.184.216.34"}
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", (answers["ip"], 443))])
    endpoint = services.endpoint_create(actor=aor_of(app.organization), organization=app.organization,
                                        url="https://erp.example.com/hook",
                                        event_types=[EventType.APPLICATION_STATUS_CHANGED])
    answers["ip"] = "127.0.0.1"  # the name now points at the server itself
    connected = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connected.append(a) or None)
    _submit(app)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert connected == []
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error.startswith("Refused: 127.0.0.1")


# ---------------------------------------------------------------- events in the transaction


def test_a_transition_writes_its_delivery_in_the_same_transaction(receiver_factory, django_capture_on_commit_callbacks):
    app = ApplicationFactory(ready=True)
    endpoint = _endpoint(app, receiver_factory().url)
    other = _endpoint(app, "https://erp.example.com/awards-only", events=[EventType.AWARD_ISSUED])
    with django_capture_on_commit_callbacks() as callbacks:
        _submit(app)
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.endpoint == endpoint and delivery.event_type == EventType.APPLICATION_STATUS_CHANGED
    assert delivery.payload["data"] == {**delivery.payload["data"], "application": app.pk, "transition": "submit",
                                        "from_state": "draft", "to_state": "submitted"}
    assert delivery.payload["type"] == "application.status_changed"
    assert callbacks  # the send is queued on commit
    assert not other.deliveries.exists()


def test_a_rolled_back_change_announces_nothing(receiver_factory):
    app = ApplicationFactory(ready=True)
    _endpoint(app, receiver_factory().url)
    with pytest.raises(RuntimeError), transaction.atomic():
        log_transition(subject=app, transition="submit", from_state=ApplicationStatus.DRAFT,
                       to_state=ApplicationStatus.SUBMITTED, actor=aor_of(app.organization))
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the change fails after its log row was written")
    assert WebhookDelivery.objects.count() == 0


def test_award_issue_is_announced_to_award_subscribers(receiver_factory):
    from tests.awards.factories import issue, negotiation_app

    app = negotiation_app()
    endpoint = _endpoint(app, receiver_factory().url, events=[EventType.AWARD_ISSUED])
    award = issue(app)
    [delivery] = endpoint.deliveries.all()
    assert delivery.payload["data"]["award_number"] == award.award_number
    assert delivery.payload["data"]["federal_amount"] == str(award.federal_amount)


# ---------------------------------------------------------------- sending


def test_receiver_failing_twice_then_succeeding_gets_three_signed_identical_posts(
        receiver_factory, verify, celery_eager):
    app = ApplicationFactory(ready=True)
    receiver = receiver_factory(500, 503, 204)
    endpoint = _endpoint(app, receiver.url)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _submit(app)  # on-commit sends do not run inside the test transaction: attempt by hand
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        services.delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
        assert delivery.next_attempt_at == start + dt.timedelta(seconds=30)
        from webhooks.tasks import send_due_webhooks
        assert send_due_webhooks() == 0  # backoff not elapsed
    with time_machine.travel(start + dt.timedelta(seconds=31), tick=False):
        assert send_due_webhooks() == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.next_attempt_at == start + dt.timedelta(seconds=91)
    with time_machine.travel(start + dt.timedelta(seconds=92)):
        assert send_due_webhooks() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 204]
    assert len(receiver.requests) == 3
    bodies = {r["body"] for r in receiver.requests}
    assert len(bodies) == 1  # the same event each time
    for request in receiver.requests:
        assert verify(endpoint.secret, request["headers"]["X-DPA-Signature"], request["body"])
        assert request["headers"]["X-DPA-Event-Id"] == str(delivery.event_id)
        assert request["path"] == "/hooks/dpa?source=test"
    assert json.loads(receiver.requests[0]["body"])["data"]["application"] == app.pk


def test_signatures_fail_for_another_secret_a_changed_body_or_an_old_timestamp(verify):
    body = b'{"id":"1"}'
    header = signing.sign("whsec_a", body)
    assert verify("whsec_a", header, body)
    assert not verify("whsec_b", header, body)
    assert not verify("whsec_a", header, body + b" ")
    stale = signing.sign("whsec_a", body, timestamp=int(timezone.now().timestamp()) - 301)
    assert not verify("whsec_a", stale, body)
    assert signing.verify("whsec_a", header, body)


def test_retries_back_off_exponentially_and_stop_failed_after_24_hours(receiver_factory):
    app = ApplicationFactory(ready=True)
    receiver = receiver_factory(500)
    _endpoint(app, receiver.url)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _submit(app)
    delivery = WebhookDelivery.objects.get()
    gaps = []
    moment = start
    while delivery.status == DeliveryStatus.PENDING:
        with time_machine.travel(moment, tick=False):
            services.delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            gaps.append((delivery.next_attempt_at - moment).total_seconds())
            moment = delivery.next_attempt_at
        assert delivery.attempts < 60
    assert gaps[:5] == [30, 60, 120, 240, 480] and max(gaps) == 3600
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_attempt_at <= start + dt.timedelta(hours=24)
    assert len(receiver.requests) == delivery.attempts


def test_aor_reads_the_log_and_redelivers(client_for, receiver_factory, verify):
    app = ApplicationFactory(ready=True)
    receiver = receiver_factory(500, 200)
    endpoint = _endpoint(app, receiver.url)
    _submit(app)
    first = WebhookDelivery.objects.get()
    services.delivery_attempt(delivery_id=first.pk)
    aor = client_for(aor_of(app.organization))
    log = aor.get("/api/v1/webhook-deliveries/").json()
    assert log["count"] == 1 and log["results"][0]["attempt_log"][0]["status_code"] == 500
    assert client_for(UserFactory()).get(f"/api/v1/webhook-deliveries/{first.pk}/").status_code == 404
    response = aor.post(f"/api/v1/webhook-deliveries/{first.pk}/redeliver/")
    assert response.status_code == 202
    copy = WebhookDelivery.objects.get(pk=response.json()["id"])
    assert copy.redelivery_of == first and copy.event_id == first.event_id
    services.delivery_attempt(delivery_id=copy.pk)
    copy.refresh_from_db()
    assert copy.status == DeliveryStatus.SUCCEEDED
    assert verify(endpoint.secret, receiver.requests[-1]["headers"]["X-DPA-Signature"], receiver.requests[-1]["body"])


def test_delivery_log_page_lists_and_redelivers(client, receiver_factory):
    app = ApplicationFactory(ready=True)
    _endpoint(app, receiver_factory(200).url)
    _submit(app)
    delivery = WebhookDelivery.objects.get()
    client.force_login(aor_of(app.organization))
    page = client.get("/webhooks/")
    assert page.status_code == 200 and b"Application status changed" in page.content
    assert client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver/").status_code == 302
    assert WebhookDelivery.objects.filter(redelivery_of=delivery).count() == 1
    client.force_login(UserFactory())
    assert client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver/").status_code == 404


def test_report_or_milestone_reminders_are_announced_as_deadline_due(receiver_factory, monkeypatch):
    """A deadline kind named report*/milestone* (registered by the post-award apps) emits
    ``deadline.due`` in the sweep's transaction; other kinds do not."""
    import dataclasses

    from notifications import deadlines, reminders

    revision = deadlines.REGISTRY["revision_response_due"]

    @dataclasses.dataclass(frozen=True)
    class ReportKind(deadlines.DeadlineKind):
        @property
        def template(self) -> str:  # reuse an existing email template
            return revision.template

    report = ReportKind(**{**{f.name: getattr(revision, f.name) for f in dataclasses.fields(revision)},
                           "name": "report_progress_due", "label": "Progress report due"})
    monkeypatch.setitem(deadlines.REGISTRY, report.name, report)
    app = ApplicationFactory(ready=True, status=ApplicationStatus.REVISION_REQUESTED)
    Application = type(app)
    Application.objects.filter(pk=app.pk).update(response_due_at=timezone.now() + dt.timedelta(hours=20))
    endpoint = _endpoint(app, receiver_factory().url, events=[EventType.DEADLINE_DUE])
    reminders.sweep()
    [delivery] = endpoint.deliveries.all()  # one per event, not one per kind sharing the model
    data = delivery.payload["data"]
    assert data["deadline_kind"] == "report_progress_due" and data["object_id"] == app.pk
    assert data["offset_hours"] == 24 and data["overdue"] is False


def test_integrating_guide_is_served_with_the_api_docs(client):
    client.force_login(UserFactory())
    page = client.get("/api/docs/integrating/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Integrating with the API</h1>" in html
    assert "def verify_signature" in html and "X-DPA-Signature" in html
    assert '<a class="usa-link margin-right-2" href="/api/docs/">' in html
