"""Writes for white papers and their document; state changes go through the one door
(``dpa_funding.lifecycle.fire``) with the table in workflow.py."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dpa_funding import lifecycle, policy
from dpa_funding.errors import InvalidTransition, ValidationFailed
from dpa_funding.formatting import eastern
from dpa_funding.lifecycle import Transition

from . import workflow
from .choices import WhitePaperDocumentKind
from .models import WhitePaper, WhitePaperDocument

# What a member may set; opportunity and organization are fixed at creation.
WHITE_PAPER_FIELDS = ("project", "title", "instrument", "federal_amount_estimate", "summary")


def _set_fields(wp: WhitePaper, data: dict) -> None:
    unknown = sorted(set(data) - set(WHITE_PAPER_FIELDS))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be set here."] for name in unknown})
    for name, value in data.items():
        setattr(wp, name, value)


def _errors_of(wp: WhitePaper, *, skip: Iterable[str]) -> dict[str, list[str]]:
    """Every field problem of ``wp``: its project, its opportunity's two-step window, and
    the model's own validation, together."""
    errors: dict[str, list[str]] = {}
    if wp.project_id and wp.organization_id and wp.project.organization_id != wp.organization_id:
        errors["project"] = ["The project must belong to the organization."]
    opp = wp.opportunity if wp.opportunity_id else None
    if opp is not None and not wp.pk:
        if not opp.two_step:
            errors["opportunity"] = ["This funding opportunity is single-step: apply with a full application."]
        elif opp.white_paper_closes_at and timezone.now() >= opp.white_paper_closes_at:
            errors["opportunity"] = [f"White papers for this opportunity were due by {eastern(opp.white_paper_closes_at)}."]
    if wp.instrument and opp is not None and wp.instrument not in (opp.instruments or []) and "instrument" not in errors:
        errors["instrument"] = ["This opportunity does not offer that instrument."]
    try:
        wp.full_clean(exclude=[*skip, *errors])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages)
    return errors


@transaction.atomic
def white_paper_create(*, actor, opportunity, organization, **data) -> WhitePaper:
    """Start a draft white paper for an organization the actor belongs to."""
    policy.require(actor, "white_paper.create", organization)
    wp = WhitePaper(opportunity=opportunity, organization=organization, created_by=actor)
    _set_fields(wp, data)
    # Related rows passed in as instances exist already: no SELECT per key in full_clean.
    given = [f for f in ("opportunity", "organization", "project", "created_by") if getattr(wp, f"{f}_id")]
    errors = _errors_of(wp, skip=["status", *given])
    if errors:
        raise ValidationFailed(errors)
    wp.save()
    return wp


@transaction.atomic
def white_paper_update(*, actor, white_paper: WhitePaper, **data) -> WhitePaper:
    """Edit a draft white paper (409 once it is submitted)."""
    wp = WhitePaper.objects.select_for_update(of=("self",)).with_related().get(pk=white_paper.pk)
    policy.require(actor, "white_paper.change", wp)
    if not workflow.LIFECYCLE.is_editable(wp):
        raise InvalidTransition("A white paper can be edited only as a draft.")
    _set_fields(wp, data)
    errors = _errors_of(wp, skip=["status", "created_by", "decided_by"])
    if errors:
        raise ValidationFailed(errors)
    wp.save()
    return wp


@transaction.atomic
def white_paper_document_upload(*, actor, white_paper: WhitePaper, uploaded,
                                kind: str = WhitePaperDocumentKind.WHITE_PAPER) -> WhitePaperDocument:
    """Attach the white paper PDF to a draft; a new upload replaces the previous one."""
    from .documents import check_white_paper_upload

    wp = WhitePaper.objects.select_for_update().get(pk=white_paper.pk)
    policy.require(actor, "white_paper_document.upload", wp)
    if not workflow.LIFECYCLE.is_editable(wp):
        raise InvalidTransition("The white paper document can be replaced only while the white paper is a draft.")
    if kind not in WhitePaperDocumentKind.values:
        raise ValidationFailed({"kind": [f"Choose one of: {', '.join(WhitePaperDocumentKind.values)}."]})
    original_name = (getattr(uploaded, "name", "") or "white-paper.pdf")[:255]
    checked, pages = check_white_paper_upload(uploaded, original_name)
    previous = WhitePaperDocument.objects.filter(white_paper=wp).first()
    if previous is not None:
        storage, name = previous.file.storage, previous.file.name
        previous.delete()
        transaction.on_commit(lambda: storage.delete(name))
    doc = WhitePaperDocument(white_paper=wp, kind=kind, original_name=original_name, size=checked.size,
                             pages=pages, content_type=checked.content_type, sha256=checked.sha256,
                             uploaded_by=actor)
    doc.file.save(original_name, uploaded, save=False)
    try:
        doc.save()
    except Exception:
        doc.file.storage.delete(doc.file.name)  # no orphan file for a row never written
        raise
    return doc


# ---------------------------------------------------------------- the one door


def available_transitions(white_paper: WhitePaper, actor) -> list[Transition]:
    """Transitions the actor may fire from the current state (guards are checked on firing)."""
    return lifecycle.available(white_paper, actor, workflow.KEY)


def white_paper_transition(*, white_paper_id: int, name: str, actor, data: dict | None = None,
                           expected_status: str | None = None) -> WhitePaper:
    """Fire ``name`` on a white paper through the one door (dpa_funding.lifecycle.fire):
    lock, policy, source state, every guard (all unmet reported together), state change,
    effects (decision notices), save, transition log and audit event, in one transaction.
    Any failure changes nothing; ``expected_status`` turns a stale read into 409 conflict."""
    return lifecycle.fire(workflow.KEY, white_paper_id, name, actor=actor, data=data,
                          expected_status=expected_status)
