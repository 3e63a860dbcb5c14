"""The reminder sweep: find the reminders now due with indexed range queries, record each in
ReminderLog (unique per kind, object, offset, deadline, recipient) and notify on commit.

Windows. With offsets o1 > o2 > ... > ok (hours, settings.REMINDER_OFFSETS_HOURS, default
168 and 24) and grace g (settings.NOTIFICATION_REMINDER_GRACE_HOURS, default 24), the
reminder at offset oi is due while

    deadline - oi  <=  now  <  min(deadline - oi + g,  deadline - o(i+1))      (o(k+1) = 0)

and the overdue reminder (offset 0) while  deadline <= now < deadline + g.  Each is sent at
most once. A window that closed before the object needed the reminder (an assignment made
3 days before its due date never gets the 7-day reminder) is not sent late, and the sweep
never reads deadlines outside the windows, so its cost grows with the reminders due.

In SQL each window is one range on the (indexed) deadline field: ``lo < deadline <= hi``,
plus the kind's state filter and NOT EXISTS (an already recorded reminder). Concurrent
sweeps are safe: rows go in with INSERT ... ON CONFLICT DO NOTHING RETURNING, and only the
sweep whose insert returned a row creates its notification.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from . import deadlines, emails
from .choices import OVERDUE, NotificationKind
from .models import ReminderLog
from .services import Outgoing, notifications_deliver
from .signals import deadline_reminded

CHUNK = 1000


@dataclass(frozen=True)
class SentReminder:
    kind: str
    object_id: int
    object_label: str
    recipient_id: int
    recipient: str
    offset_hours: int
    escalation: bool
    notification_id: int

    @property
    def offset_label(self) -> str:
        return "overdue" if self.offset_hours == OVERDUE else f"{self.offset_hours}h before"

    def __str__(self) -> str:
        role = "escalation" if self.escalation else "reminder"
        return (f"{self.kind}\t{self.object_label} (#{self.object_id})\t{self.recipient}\t"
                f"{self.offset_label}\t{role}")


def offsets() -> list[int]:
    return sorted({int(o) for o in settings.REMINDER_OFFSETS_HOURS if int(o) > 0}, reverse=True)


def windows(now: dt.datetime) -> list[tuple[int, dt.datetime, dt.datetime]]:
    """(offset_hours, lo, hi): the reminder at that offset is due for lo < deadline <= hi."""
    grace = dt.timedelta(hours=getattr(settings, "NOTIFICATION_REMINDER_GRACE_HOURS", 24))
    hours = offsets()
    out = []
    for i, offset in enumerate(hours):
        following = hours[i + 1] if i + 1 < len(hours) else 0
        hi = now + dt.timedelta(hours=offset)
        out.append((offset, max(hi - grace, now + dt.timedelta(hours=following)), hi))
    out.append((OVERDUE, now - grace, now))
    return out


def due_objects(kind: deadlines.DeadlineKind, offset: int, lo: dt.datetime, hi: dt.datetime) -> QuerySet:
    """Objects of ``kind`` whose reminder at ``offset`` is due: an index range on the deadline,
    the kind's state filter, and NOT EXISTS a recorded reminder for this very deadline."""
    field = kind.deadline_field
    qs = kind.queryset().filter(**{f"{field}__gt": lo, f"{field}__lte": hi})
    if not kind.recheck_recipients:
        ct = ContentType.objects.get_for_model(kind.model_class())
        recorded = ReminderLog.objects.filter(
            deadline_kind=kind.name, content_type_id=ct.pk, object_id=OuterRef("pk"),
            offset_hours=offset, deadline_at=OuterRef(field))
        qs = qs.filter(~Exists(recorded))
    return qs.order_by(field, "pk")


def due_batches(kind: deadlines.DeadlineKind, offset: int, lo: dt.datetime, hi: dt.datetime):
    """Yield the due objects in keyset pages of CHUNK, fetching each page after the caller
    handled the previous one (so objects without recipients never stall the loop)."""
    field = kind.deadline_field
    qs, last = due_objects(kind, offset, lo, hi), None
    while True:
        page = qs if last is None else qs.filter(
            Q(**{f"{field}__gt": last[0]}) | Q(**{field: last[0], "pk__gt": last[1]}))
        batch = list(page[:CHUNK])
        if batch:
            yield batch
        if len(batch) < CHUNK:
            return
        last = (getattr(batch[-1], field), batch[-1].pk)


def sweep(*, now: dt.datetime | None = None) -> list[SentReminder]:
    """One sweep over every available kind and window; returns the reminders it sent."""
    now = now or timezone.now()
    sent: list[SentReminder] = []
    for kind in deadlines.available():
        for offset, lo, hi in windows(now):
            for batch in due_batches(kind, offset, lo, hi):
                sent += _send_batch(kind, offset, batch, now)
    return sent


def _insert_logs(kind, ct_id: int, offset: int, rows: list[tuple], now) -> set[tuple[int, int]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the (object_id, recipient_id) this call
    inserted. A concurrent sweep inserting the same key waits for ours and inserts nothing."""
    table = connection.ops.quote_name(ReminderLog._meta.db_table)
    cols = ("deadline_kind", "content_type_id", "object_id", "offset_hours", "deadline_at",
            "recipient_id", "escalation", "sent_at")
    adapt = connection.ops.adapt_datetimefield_value
    inserted: set[tuple[int, int]] = set()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        params: list = []
        for object_id, deadline_at, recipient_id, escalation in chunk:
            params += [kind.name, ct_id, object_id, offset, adapt(deadline_at), recipient_id,
                       escalation, adapt(now)]
        values = ", ".join(["(" + ", ".join(["%s"] * len(cols)) + ")"] * len(chunk))
        # Table and column names are the model's own, every value a %s parameter.
        sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES {values} "  # nosec B608
               f"ON CONFLICT DO NOTHING RETURNING object_id, recipient_id")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted.update((int(o), int(r)) for o, r in cursor.fetchall())
    return inserted


def _send_batch(kind: deadlines.DeadlineKind, offset: int, objs: list, now) -> list[SentReminder]:
    field = kind.deadline_field
    ct_id = ContentType.objects.get_for_model(kind.model_class()).pk
    with transaction.atomic():
        wanted: dict[tuple[int, int], bool] = {}
        for obj_id, user_ids in kind.recipients(objs).items():
            for uid in user_ids:
                wanted[(obj_id, uid)] = False
        if offset == OVERDUE and kind.escalation_recipients is not None:
            for obj_id, user_ids in kind.escalation_recipients(objs).items():
                for uid in user_ids:
                    wanted.setdefault((obj_id, uid), True)  # a reminded user is not also escalated to
        by_pk = {obj.pk: obj for obj in objs}
        rows = [(obj_id, getattr(by_pk[obj_id], field), uid, esc)
                for (obj_id, uid), esc in sorted(wanted.items())]
        inserted = _insert_logs(kind, ct_id, offset, rows, now)
        if not inserted:
            return []
        users = get_user_model().objects.in_bulk({uid for _, uid in inserted})
        outgoing, keys = [], []
        for obj_id, uid in sorted(inserted):
            obj, escalation = by_pk[obj_id], wanted[(obj_id, uid)]
            outgoing.append(_outgoing(kind, offset, obj, users[uid], escalation, now))
            keys.append((obj, users[uid], escalation))
        created = notifications_deliver(outgoing=outgoing)
        reminded = sorted({obj_id for obj_id, _ in inserted})
        deadline_reminded.send(sender=deadlines.DeadlineKind, kind=kind, offset_hours=offset,
                               objects=[by_pk[obj_id] for obj_id in reminded])
    return [SentReminder(kind=kind.name, object_id=obj.pk, object_label=str(obj), recipient_id=user.pk,
                         recipient=user.get_username(), offset_hours=offset, escalation=esc,
                         notification_id=note.pk)
            for (obj, user, esc), note in zip(keys, created, strict=True)]


def _outgoing(kind, offset: int, obj, user, escalation: bool, now) -> Outgoing:
    deadline = getattr(obj, kind.deadline_field)
    zone = kind.zone_name(obj)
    due = emails.format_deadline(deadline, zone)
    if escalation:
        subject, template = kind.escalation_subject, f"{kind.template}_escalation"
        url = (kind.escalation_url or kind.url)(obj)
    else:
        subject = kind.overdue_subject if offset == OVERDUE else kind.subject
        template, url = kind.template, kind.url(obj)
    context = {
        "obj": obj, "recipient": user, "kind": kind, "deadline": deadline, "due": due,
        "zone": zone, "overdue": offset == OVERDUE, "offset_hours": offset,
        "interval": emails.describe_interval(deadline - now), "url": emails.absolute(url),
    }
    text, html = emails.render(template, context)
    return Outgoing(
        recipient=user, kind=NotificationKind.ESCALATION if escalation else NotificationKind.REMINDER,
        deadline_kind=kind.name, subject=subject.format(obj=obj, due=due), body=text, body_html=html,
        url=url, related=obj)
