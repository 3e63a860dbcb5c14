"""Writes for projects, opportunities, applications and documents, and the one door for
application state changes."""

import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal

from dpa_funding import lifecycle, policy
from dpa_funding.errors import InvalidTransition, NotFound, ValidationFailed
from dpa_funding.lifecycle import Transition

from .choices import BUDGET_CATEGORIES
from .models import Application, FundingOpportunity, Project, RubricCriterion
from .workflow import LIFECYCLE

logger = logging.getLogger(__name__)

# Sent inside the transaction that changed an application's state (bridged from
# dpa_funding.lifecycle.transitioned, below). kwargs: application (fresh instance), transition (name), from_state, to_state, actor, comment.
application_transitioned = Signal()

APPLICATION_FIELDS = (
    "title", "instrument", "federal_amount_requested", "cost_share_amount",
    "period_start", "period_end", "summary", "project",
)


def _full_clean(instance, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationFailed(exc.message_dict) from exc


# ---------------------------------------------------------------- projects


def _upper(fields: dict, *names: str) -> dict:
    """Codes are stored upper-case whatever case the client sent."""
    return {k: (v.strip().upper() if k in names and isinstance(v, str) else v) for k, v in fields.items()}


# What a member may set on a project; the organization is fixed at creation (moving a
# project would move it out of the reach of the organization that applied with it).
PROJECT_FIELDS = (
    "name", "facility_type", "stage", "country", "state", "county", "latitude", "longitude",
    "annual_capacity_tonnes", "on_military_installation", "description",
)


def _model_update(instance, fields: tuple[str, ...], data: dict) -> list[str]:
    """HackSoft's ``model_update``: copy only the named ``fields`` present in ``data`` onto
    ``instance``; anything else in ``data`` is refused with a field error (never copied).
    Returns the fields set."""
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be set here."] for name in unknown})
    changed = []
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


@transaction.atomic
def project_create(*, actor, organization, minerals: Iterable, **data) -> Project:
    """Create a project for an organization the actor belongs to."""
    policy.require(actor, "project.create", organization)
    project = Project(organization=organization)
    _model_update(project, PROJECT_FIELDS, _upper(data, "country", "state"))
    _full_clean(project)
    project.save()
    project.minerals.set(minerals)
    return project


@transaction.atomic
def project_update(*, actor, project: Project, minerals: Iterable | None = None, **data) -> Project:
    """Edit a project's description of the facility; its organization never changes."""
    policy.require(actor, "project.change", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _model_update(project, PROJECT_FIELDS, _upper(data, "country", "state"))
    _full_clean(project)
    project.save()
    if minerals is not None:
        project.minerals.set(minerals)
    return project


# ---------------------------------------------------------------- opportunities


def _validate_rubric(rubric: list[dict]) -> None:
    if not rubric:
        raise ValidationFailed({"rubric": ["An opportunity needs at least one rubric criterion."]})
    total = sum(int(c.get("weight") or 0) for c in rubric)
    if total != 100:
        raise ValidationFailed({"rubric": [f"Criterion weights must sum to 100; they sum to {total}."]})
    names = [c["name"].strip().lower() for c in rubric]
    if len(set(names)) != len(names):
        raise ValidationFailed({"rubric": ["Criterion names must be unique."]})


def _obligated(opp: FundingOpportunity) -> Decimal:
    """Active (unreleased) obligations against the opportunity's budget (awards' one answer)."""
    from awards.selectors import obligated_total

    return obligated_total(opp.pk)


def _validate_opportunity(opp: FundingOpportunity, *, obligated: Decimal | None = None) -> None:
    """Every field problem at once. ``obligated`` (on update, read under the opportunity's
    row lock, the lock awards take) is the floor the budget ceiling may not go below."""
    from .choices import Instrument

    errors: dict[str, list[str]] = {}
    if obligated is not None and opp.budget_ceiling is not None and opp.budget_ceiling < obligated:
        errors["budget_ceiling"] = [
            f"The budget ceiling cannot be lowered below the ${obligated:,.2f} already obligated."
        ]
    bad = [i for i in (opp.instruments or []) if i not in Instrument.values]
    if not opp.instruments:
        errors["instruments"] = ["Choose at least one instrument."]
    elif bad:
        errors["instruments"] = [f"Unknown instrument(s): {', '.join(map(str, bad))}."]
    if opp.opens_at and opp.closes_at and opp.closes_at <= opp.opens_at:
        errors["closes_at"] = ["The closing date must be after the opening date."]
    if opp.max_award is not None and opp.budget_ceiling is not None and opp.max_award > opp.budget_ceiling:
        errors["max_award"] = ["The maximum award cannot exceed the budget ceiling."]
    errors.update(_two_step_errors(opp))
    try:
        _full_clean(opp, exclude=list(errors))
    except ValidationFailed as exc:
        errors.update({name: messages for name, messages in exc.errors.items() if name not in errors})
    if errors:
        raise ValidationFailed(errors)


def _two_step_errors(opp: FundingOpportunity) -> dict[str, list[str]]:
    """A two-step opportunity takes white papers from opens_at until white_paper_closes_at,
    which falls inside its window; a single-step one has no white-paper date. Once white
    papers exist the opportunity stays two-step (they would lose their meaning)."""
    errors: dict[str, list[str]] = {}
    if opp.two_step:
        closes = opp.white_paper_closes_at
        if closes is None:
            errors["white_paper_closes_at"] = ["A two-step opportunity needs the date white papers are due."]
        elif opp.opens_at and closes <= opp.opens_at:
            errors["white_paper_closes_at"] = ["White papers must be due after the opportunity opens."]
        elif opp.closes_at and closes > opp.closes_at:
            errors["white_paper_closes_at"] = ["White papers must be due no later than the opportunity closes."]
    else:
        if opp.white_paper_closes_at is not None:
            errors["white_paper_closes_at"] = ["Only a two-step opportunity takes white papers; leave this empty."]
        if opp.pk and opp.white_papers.exists():
            errors["two_step"] = ["White papers were sent to this opportunity; it stays two-step."]
    return errors


OPPORTUNITY_FIELDS = (
    "number", "title", "description", "instruments", "opens_at", "closes_at", "budget_ceiling",
    "max_award", "min_cost_share_percent", "min_reviewers", "review_window_days",
    "credit_subsidy_rate_percent", "two_step", "white_paper_closes_at",
)


@transaction.atomic
def opportunity_create(*, actor, rubric: list[dict], eligible_minerals: Iterable = (), **data) -> FundingOpportunity:
    """Create a solicitation with its rubric (weights sum to 100); its creator is one of
    its program officers (escalations go to them)."""
    policy.require(actor, "opportunity.create")
    opp = FundingOpportunity(created_by=actor)
    _model_update(opp, OPPORTUNITY_FIELDS, data)
    errors: dict[str, list[str]] = {}
    for check in (lambda: _validate_rubric(rubric), lambda: _validate_opportunity(opp)):
        try:
            check()
        except ValidationFailed as exc:  # report the rubric's and the opportunity's errors together
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    opp.save()
    opp.eligible_minerals.set(eligible_minerals)
    opp.program_officers.add(actor)
    _replace_rubric(opp, rubric)
    return opp


@transaction.atomic
def opportunity_update(*, actor, opportunity: FundingOpportunity, rubric: list[dict] | None = None,
                       eligible_minerals: Iterable | None = None, **data) -> FundingOpportunity:
    """Update a solicitation. The rubric is frozen once any review has scored against it."""
    policy.require(actor, "opportunity.change", opportunity)
    opp = FundingOpportunity.objects.select_for_update().get(pk=opportunity.pk)
    _model_update(opp, OPPORTUNITY_FIELDS, data)
    _validate_opportunity(opp, obligated=_obligated(opp) if "budget_ceiling" in data else None)
    opp.save()
    if eligible_minerals is not None:
        opp.eligible_minerals.set(eligible_minerals)
    if rubric is not None:
        _validate_rubric(rubric)
        if RubricCriterion.objects.filter(opportunity=opp, scores__isnull=False).exists():
            raise ValidationFailed({"rubric": ["The rubric cannot change after reviewers have scored against it."]})
        _replace_rubric(opp, rubric)
    return opp


def _replace_rubric(opp: FundingOpportunity, rubric: list[dict]) -> None:
    opp.rubric.all().delete()
    criteria = []
    for position, item in enumerate(rubric):
        c = RubricCriterion(
            opportunity=opp, name=item["name"], description=item.get("description", ""),
            weight=int(item["weight"]), allows_na=bool(item.get("allows_na", False)), position=position,
        )
        _full_clean(c, exclude=["opportunity"])
        criteria.append(c)
    RubricCriterion.objects.bulk_create(criteria)


# ---------------------------------------------------------------- applications


def _apply_budget(application: Application, budget: dict[str, Any] | None) -> None:
    if budget is None:
        return
    unknown = set(budget) - {name for name, _ in BUDGET_CATEGORIES}
    if unknown:
        raise ValidationFailed({"budget": [f"Unknown budget categories: {', '.join(sorted(unknown))}."]})
    for name, value in budget.items():
        setattr(application, f"budget_{name}", Decimal(value if value not in (None, "") else "0"))


@transaction.atomic
def application_create(*, actor, opportunity, organization, budget: dict | None = None, **data) -> Application:
    """Start a draft application for an organization the actor belongs to."""
    policy.require(actor, "application.create", organization)
    errors: dict[str, list[str]] = {}
    project = data.get("project")
    if project is not None and project.organization_id != organization.pk:
        errors["project"] = ["The project must belong to the applying organization."]
    white_paper = data.pop("white_paper", None)
    if opportunity is not None:
        from whitepapers.guards import full_application_errors

        problems = full_application_errors(opportunity=opportunity, organization=organization,
                                           white_paper=white_paper)
        if problems:
            errors["white_paper"] = problems
    app = Application(opportunity=opportunity, organization=organization, created_by=actor,
                      white_paper=white_paper)
    _model_update(app, APPLICATION_FIELDS, data)
    _apply_budget(app, budget)
    # Related rows passed in as instances exist already: skip full_clean's SELECT per key.
    given = [f for f in ("opportunity", "organization", "project", "created_by", "white_paper")
             if getattr(app, f"{f}_id")]
    try:
        _full_clean(app, exclude=["status", *given, *errors])
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    app.save()
    return app


@transaction.atomic
def application_update(*, actor, application: Application, budget: dict | None = None, **fields) -> Application:
    """Edit a draft or an application returned for revision."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    policy.require(actor, "application.change", app)
    if not LIFECYCLE.is_editable(app):
        raise InvalidTransition("The application can be edited only as a draft or when a revision is requested.")
    project = fields.get("project")
    if project is not None and project.organization_id != app.organization_id:
        raise ValidationFailed({"project": ["The project must belong to the applying organization."]})
    _model_update(app, APPLICATION_FIELDS, fields)
    _apply_budget(app, budget)
    # created_by is nullable (rows imported or made by the system have none); it is not
    # something an edit can fix, so it is not validated here.
    _full_clean(app, exclude=["status", "created_by"])
    app.save()
    return app


# ---------------------------------------------------------------- workflow: the one door


def actor_may_fire(spec: Transition, application: Application, actor) -> bool:
    """Permission for a transition, from the policy (guards are separate and reported in full)."""
    return lifecycle.permitted(spec, application, actor)


def available_transitions(application: Application, actor) -> list[Transition]:
    """Transitions the actor may fire from the current state (guards not evaluated)."""
    return lifecycle.available(application, actor, "application")


def application_transition(*, application_id: int, name: str, actor, data: dict | None = None,
                           expected_status: str | None = None, visible_to=None) -> Application:
    """Fire transition ``name`` of the application lifecycle through the one door
    (dpa_funding.lifecycle.fire): lock, policy, state, every guard, state change, effects,
    save, log and audit event; the notices are owed (an outbox row) in the same transaction
    and written by a worker after commit. Any failure changes nothing.

    ``expected_status`` lets callers that read the application earlier detect a concurrent
    change (409 conflict) instead of acting on stale state; ``visible_to`` makes an
    application that user cannot see NotFound (see ``lifecycle.fire``).
    """
    return lifecycle.fire("application", application_id, name, actor=actor, data=data,
                          expected_status=expected_status, visible_to=visible_to)


def _announce_transition(sender, *, obj, transition, from_state, to_state, actor, comment, log,
                         **kwargs) -> None:
    """Bridge from the engine's ``transitioned`` signal to ``application_transitioned``
    (notifications listen there), inside the transition's transaction, so what subscribers
    write commits or rolls back with the state change. A failing receiver is logged and
    rolled back to its savepoint, never turned into an error for the user who acted."""
    try:
        with transaction.atomic():
            application_transitioned.send(
                sender=Application, application=obj, transition=transition.name,
                from_state=from_state, to_state=to_state, actor=actor, comment=comment, log=log)
    except Exception:
        logger.exception("application_transitioned receivers failed for application %s", obj.pk)


lifecycle.transitioned.connect(_announce_transition, sender=Application,
                               dispatch_uid="applications.announce_transition")

# Kept for callers that record a creation as the first row of an object's history.
log_transition = lifecycle.log_transition


# ---------------------------------------------------------------- documents


@transaction.atomic
def document_upload(*, actor, application: Application | int, kind: str, uploaded, visible_to=None):
    """Attach a checked file to an editable application; the stored name is generated.

    ``visible_to``: NotFound unless that user can see the application, checked by the
    locking read itself (the API passes the id, not a row it read first)."""
    from .choices import DocumentKind
    from .documents import check_upload
    from .models import Document

    rows = Application.objects.select_for_update(of=("self",))
    if visible_to is not None:
        rows = rows.restrict(visible_to)
    pk = application.pk if isinstance(application, Application) else application
    try:
        # The actor's role comes with the locked row: the policy asks for it next.
        app = lifecycle.with_actor_role(rows, actor).get(pk=pk)
    except Application.DoesNotExist:
        raise NotFound() from None
    lifecycle.remember_actor_role(app, actor)
    policy.require(actor, "document.upload", app)
    if not LIFECYCLE.is_editable(app):
        raise InvalidTransition("Documents can be added only to a draft or an application under revision.")
    if kind not in DocumentKind.values:
        raise ValidationFailed({"kind": [f"Choose one of: {', '.join(DocumentKind.values)}."]})
    original_name = (getattr(uploaded, "name", "") or "document")[:255]
    checked = check_upload(uploaded, original_name)
    doc = Document(
        application=app, kind=kind, original_name=original_name, size=checked.size,
        content_type=checked.content_type, sha256=checked.sha256, uploaded_by=actor,
    )
    doc.file.save(original_name, uploaded, save=False)
    try:
        doc.save()
    except Exception:
        doc.file.storage.delete(doc.file.name)  # keep no orphan file for a row never written
        raise
    return doc


@transaction.atomic
def document_delete(*, actor, document) -> None:
    app = Application.objects.select_for_update().get(pk=document.application_id)
    policy.require(actor, "document.delete", app)
    if not LIFECYCLE.is_editable(app):
        raise InvalidTransition("Documents can be removed only from a draft or an application under revision.")
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
