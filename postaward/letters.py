"""Modification letters, rendered by the award letters' worker path (awards.letters'
shared renderer and stylesheet, a Celery task with the same retries) and with the same
idempotency: one stored PDF under a deterministic name per modification, re-checked under
the row lock before anything is written, so duplicated or retried tasks store it once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from applications.choices import BUDGET_CATEGORIES
from awards.letters import EASTERN, long_date, money, render_pdf

from .choices import ModificationStatus
from .models import Modification

logger = logging.getLogger(__name__)
LETTER_TEMPLATE = "letters/modification_letter.html"
BUDGET_LABELS = dict(BUDGET_CATEGORIES)


def letter_storage_name(modification: Modification) -> str:
    return f"letters/{modification.number}.pdf"


def letter_context(mod: Modification) -> dict:
    award = mod.award
    record = award.application.record
    org = record.organization
    officer = mod.decided_by
    delta = mod.federal_amount_delta
    return {
        "office_name": getattr(settings, "LETTER_OFFICE_NAME", "DPA Title III Program Office"),
        "office_address": getattr(settings, "LETTER_OFFICE_ADDRESS", []),
        "letter_date": long_date(timezone.localtime(mod.decided_at, EASTERN).date()),
        "number": mod.number,
        "award_number": award.award_number,
        "instrument": award.get_instrument_display(),
        "application_title": award.application.title,
        "recipient": {"legal_name": org.legal_name, "uei": org.uei, "address_line1": org.address_line1,
                      "city": org.city, "state": org.state, "postal_code": org.postal_code},
        "kind": mod.get_kind_display(),
        "period_start": long_date(award.period_start),
        "new_period_end": long_date(mod.new_period_end) if mod.new_period_end else "",
        "previous_period_end": long_date(mod.previous_period_end) if mod.previous_period_end else "",
        "federal_amount_delta": (("+" if delta > 0 else "") + money(delta)) if delta else "",
        "federal_amount": money((mod.previous_federal_amount or 0) + (delta or 0)),
        "previous_federal_amount": money(mod.previous_federal_amount),
        "budget": [{"label": BUDGET_LABELS.get(k, k), "amount": money(v)} for k, v in (mod.budget or {}).items()],
        "justification": mod.justification,
        "officer": {"name": officer.get_full_name() or officer.get_username(),
                    "job_title": getattr(officer, "job_title", ""), "email": officer.email},
    }


def _load(modification_id: int) -> Modification:
    return (Modification.objects.select_related(
        "award__application__organization", "award__application__project", "decided_by")
        .get(pk=modification_id))


def modification_letter_generate(*, modification_id: int) -> Modification:
    """Render and store the letter of an approved modification; idempotent."""
    mod = _load(modification_id)
    if mod.status != ModificationStatus.APPROVED or mod.letter_sha256:
        return mod
    pdf = render_pdf(render_to_string(LETTER_TEMPLATE, letter_context(mod)))
    digest = hashlib.sha256(pdf).hexdigest()
    name = letter_storage_name(mod)
    with transaction.atomic():
        locked = Modification.objects.select_for_update().get(pk=modification_id)
        if locked.letter_sha256:
            return locked  # a duplicate got here first; discard this render
        storage = locked.letter_file.storage
        if storage.exists(name):  # left by a crashed attempt; we hold the row lock
            storage.delete(name)
        locked.letter_file.name = storage.save(name, ContentFile(pdf))
        locked.letter_sha256 = digest
        locked.letter_generated_at = timezone.now()
        locked.save(update_fields=["letter_file", "letter_sha256", "letter_generated_at", "updated_at"])
    logger.info("Modification letter %s stored (%d bytes)", name, len(pdf))
    return locked


STALLED_LETTER_AGE = dt.timedelta(minutes=10)


def modification_letters_requeue_stalled(*, now: dt.datetime | None = None) -> list[int]:
    """Re-send the task for approved modifications still without a letter (lost message)."""
    from .tasks import generate_modification_letter

    cutoff = (now or timezone.now()) - STALLED_LETTER_AGE
    ids = list(Modification.objects.filter(status=ModificationStatus.APPROVED, letter_sha256="",
                                           decided_at__lt=cutoff).values_list("pk", flat=True))
    for pk in ids:
        generate_modification_letter.delay(pk)
    return ids
