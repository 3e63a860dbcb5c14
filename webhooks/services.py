"""Writes for webhooks: endpoints (AOR only), events, delivery attempts, redelivery.

Events are written as delivery rows inside the transaction of the change they announce
(``event_emit`` is called from receivers that run inside it), so a rolled-back change
announces nothing and a committed one is never lost: the send is queued on commit, and
the beat sweep (``send_due_webhooks``) picks up anything whose queueing was lost.
"""

import datetime as dt
import http.client
import json
import logging
import time
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from dpa_funding import policy
from dpa_funding.errors import ValidationFailed

from . import signing, targets
from .choices import DeliveryStatus, EventType
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, new_secret

logger = logging.getLogger(__name__)

USER_AGENT = "DPA-Title-III-Webhooks/1"


def _setting(name: str, default):
    return getattr(settings, name, default)


def _require_manager(actor, organization) -> None:
    policy.require(actor, "webhook.manage", organization)


def _validate(url: str | None, event_types: list[str] | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if url is not None:
        try:
            targets.resolve(url)
        except targets.TargetRefused as exc:
            errors["url"] = [str(exc)]
    if event_types is not None:
        unknown = sorted(set(event_types) - set(EventType.values))
        if not event_types:
            errors["event_types"] = ["Choose at least one event type."]
        elif unknown:
            errors["event_types"] = [f"Unknown event types: {', '.join(unknown)}."]
    return errors


@transaction.atomic
def endpoint_create(*, actor, organization, url: str | None, event_types: list[str] | None,
                    description: str = "", is_active: bool = True) -> WebhookEndpoint:
    """Register an endpoint; the URL is resolved and checked now (and again at every send)."""
    _require_manager(actor, organization)
    errors = _validate(url, event_types)
    for name, value in (("url", url), ("event_types", event_types)):
        if value is None:
            errors[name] = ["This field is required."]
    if errors:
        raise ValidationFailed(errors)
    return WebhookEndpoint.objects.create(organization=organization, url=url, description=description,
                                          event_types=sorted(set(event_types)), is_active=is_active,
                                          created_by=actor)


@transaction.atomic
def endpoint_update(*, actor, endpoint: WebhookEndpoint, **fields) -> WebhookEndpoint:
    _require_manager(actor, endpoint)
    errors = _validate(fields.get("url"), fields.get("event_types"))
    if errors:
        raise ValidationFailed(errors)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    for name in ("url", "description", "is_active"):
        if name in fields:
            setattr(endpoint, name, fields[name])
    if "event_types" in fields:
        endpoint.event_types = sorted(set(fields["event_types"]))
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    _require_manager(actor, endpoint)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor, endpoint: WebhookEndpoint) -> None:
    _require_manager(actor, endpoint)
    endpoint.delete()


# ---------------------------------------------------------------- events


def _queue_on_commit(delivery_ids: list[int]) -> None:
    from .tasks import deliver_webhook

    def send():
        for pk in delivery_ids:
            try:
                deliver_webhook.delay(pk)
            except Exception:  # broker down: the beat sweep sends it later
                logger.exception("Could not queue webhook delivery %s", pk)

    transaction.on_commit(send)


def event_emit(*, event_type: str, organization_id: int, data: dict) -> list[WebhookDelivery]:
    """Write one delivery per active endpoint of the organization subscribed to ``event_type``,
    in the caller's transaction; the sends are queued when it commits."""
    if event_type not in EventType.values:
        raise ValueError(f"Unknown webhook event type {event_type!r}")
    endpoints = [e for e in WebhookEndpoint.objects.filter(organization_id=organization_id, is_active=True)
                 if e.subscribes_to(event_type)]
    if not endpoints:
        return []
    now = timezone.now()
    event_id = uuid.uuid4()
    payload = json.loads(json.dumps({
        "id": str(event_id), "type": event_type, "created_at": now.isoformat(), "data": data,
    }, cls=DjangoJSONEncoder))
    deliveries = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(endpoint=e, event_id=event_id, event_type=event_type, payload=payload,
                        next_attempt_at=now, created_at=now)
        for e in endpoints
    ])
    _queue_on_commit([d.pk for d in deliveries])
    return deliveries


@transaction.atomic
def delivery_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again (same event id and payload) as a new delivery with its own log."""
    _require_manager(actor, delivery.endpoint)
    now = timezone.now()
    copy = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint, event_id=delivery.event_id, event_type=delivery.event_type,
        payload=delivery.payload, next_attempt_at=now, created_at=now, redelivery_of=delivery,
    )
    _queue_on_commit([copy.pk])
    return copy


# ---------------------------------------------------------------- sending


def backoff_seconds(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failures: base * 2^(n-1), capped."""
    base = _setting("WEBHOOK_RETRY_BASE_SECONDS", 30)
    cap = _setting("WEBHOOK_RETRY_MAX_SECONDS", 3600)
    return int(min(base * 2 ** max(attempts - 1, 0), cap))


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    """Lease a due delivery to this worker (a concurrent worker skips it) for the send."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(skip_locked=True)
                    .select_related("endpoint")
                    .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now).first())
        if delivery is None:
            return None
        lease = 2 * _setting("WEBHOOK_TIMEOUT_SECONDS", 10) + 30
        delivery.next_attempt_at = now + dt.timedelta(seconds=lease)
        delivery.save(update_fields=["next_attempt_at"])
        return delivery


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt of a due delivery (None when it is not due or another worker has it).

    2xx marks it delivered. Anything else schedules the next attempt with exponential
    backoff; once that would fall after ``WEBHOOK_RETRY_WINDOW_HOURS`` from the event, the
    delivery is marked failed (the organization can redeliver it from the log).
    """
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    body = body_bytes(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.HEADER: signing.sign(endpoint.secret, body),
        "X-DPA-Event": delivery.event_type,
        "X-DPA-Event-Id": str(delivery.event_id),
        "X-DPA-Delivery": str(delivery.pk),
    }
    status_code, error = None, ""
    started = time.monotonic()
    if not endpoint.is_active:
        error = "The endpoint is disabled."
    else:
        try:
            status_code = targets.post(endpoint.url, body, headers)
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except targets.TargetRefused as exc:
            error = f"Refused: {exc}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
    duration_ms = int((time.monotonic() - started) * 1000)
    return _record(delivery.pk, status_code=status_code, error=error, duration_ms=duration_ms)


@transaction.atomic
def _record(delivery_id: int, *, status_code: int | None, error: str, duration_ms: int) -> WebhookDelivery:
    now = timezone.now()
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    WebhookAttempt.objects.create(delivery=delivery, at=now, status_code=status_code, error=error[:500],
                                  duration_ms=duration_ms)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = status_code
    delivery.last_error = error[:500]
    if not error:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    else:
        window_ends = delivery.created_at + dt.timedelta(hours=_setting("WEBHOOK_RETRY_WINDOW_HOURS", 24))
        next_at = now + dt.timedelta(seconds=backoff_seconds(delivery.attempts))
        if next_at > window_ends:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = next_at
    delivery.save()
    return delivery


def deliveries_due(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
