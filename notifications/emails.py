"""Rendering and sending notification emails (Django's email backend, text + HTML).

Deadlines are shown in the deadline's time zone with the zone named, the way federal
notices state them: "5:00 PM EST, Friday, December 12, 2026".
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string


def format_deadline(moment: dt.datetime, zone: str | None = None) -> str:
    """An aware datetime in ``zone`` (default the deadline zone setting), zone abbreviated."""
    zone = zone or getattr(settings, "NOTIFICATION_DEADLINE_TIME_ZONE", "America/New_York")
    local = moment.astimezone(ZoneInfo(zone))
    hour = local.hour % 12 or 12
    return (f"{hour}:{local:%M} {local:%p} {local.tzname()}, "
            f"{local:%A}, {local:%B} {local.day}, {local.year}")


def describe_interval(delta: dt.timedelta) -> str:
    """'6 days 23 hours', '23 hours', '45 minutes': how long until (or since) a deadline."""
    seconds = abs(int(delta.total_seconds()))
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if not parts:
        minutes = max(rem // 60, 1)
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def render(template: str, context: dict) -> tuple[str, str]:
    """(text, html) bodies from ``<template>.txt`` and ``<template>.html``."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    return (render_to_string(f"{template}.txt", context).strip() + "\n",
            render_to_string(f"{template}.html", context))


def send_notification_emails(notifications) -> list[int]:
    """Send each notification's email over one connection; return the ids sent.

    Raises the backend's error (the task retries); ids sent before the error stay sent.
    """
    sent: list[int] = []
    connection = get_connection()
    with connection:
        for note in notifications:
            if not note.recipient.email:
                continue
            message = EmailMultiAlternatives(
                subject=note.subject, body=note.body, from_email=settings.DEFAULT_FROM_EMAIL,
                to=[note.recipient.email], connection=connection,
            )
            if note.body_html:
                message.attach_alternative(note.body_html, "text/html")
            message.send()
            sent.append(note.pk)
    return sent
