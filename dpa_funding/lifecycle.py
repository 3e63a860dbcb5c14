"""The lifecycle engine: every workflow is a table, and one door changes state.

Each app declares its lifecycles in its ``workflow.py`` (imported by its AppConfig.ready())::

    lifecycle.register(lifecycle.Lifecycle(key="award", model="awards.Award", field="status",
        editable=(), update_fields=("status", "updated_at"), transitions=(
            lifecycle.Transition(name="rescind", label="Rescind award",
                sources=("pending_acceptance",), target="rescinded", action="award.rescind",
                guards=("awards.after_deadline",), effects=("awards.release_obligation",)),
        )))

and registers its guards and effects by name (``@lifecycle.guard("awards.after_deadline")``).
``fire`` is the only code that changes a lifecycle's state column: it locks the row,
asks the policy (``dpa_funding.policy.may(actor, transition.action, obj)``), checks the
source state and every guard (all unmet conditions reported together), changes the state,
runs the effects, saves the declared columns, writes the TransitionLog row and its audit
event, and sends ``transitioned``, all in one transaction: any failure changes nothing.

A transition is one audit event: the columns the save changed (and whatever effects
report with ``record_change``, e.g. a many-to-many set) are folded into the transition's
event instead of a separate generic "update" event per save (fewer statements under the
chain lock, and the record reads as what happened).

A guard is ``guard(obj, actor, data) -> list[str]`` (unmet conditions as sentences a user
can act on; empty when met). An effect is ``effect(obj, actor, data) -> None``; it runs in
the transaction after the state changed and puts external work behind
``ops.outbox.enqueue`` or ``transaction.on_commit``.

The system checks ``lifecycle.E001`` (a guard or effect name that does not resolve),
``lifecycle.E002`` (an unknown policy action) and ``lifecycle.E003`` (a model, field or
state that does not exist) run at start-up and in CI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.dispatch import Signal

from dpa_funding.errors import (
    ConditionsUnmet,
    Conflict,
    InvalidTransition,
    NotFound,
    NotPermitted,
)

COMMENT_REQUIRED = "A comment is required."

# Sent inside the transaction that changed the state, after the log row and audit event:
# what receivers write commits or rolls back with the change. A receiver that raises
# aborts the transition; receivers whose work is optional catch their own errors.
# kwargs: obj, lifecycle, transition, from_state, to_state, actor, comment, data, log (the
# TransitionLog row just written).
transitioned = Signal()


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    action: str                        # a dpa_funding.policy action, checked by the door
    system: bool = False               # may also be fired with actor=None (beat jobs, effects)
    guards: tuple[str, ...] = ()       # registered guard names, run in this order
    effects: tuple[str, ...] = ()      # registered effect names, run in this order
    comment_required: bool = False     # the door refuses a blank comment (reported as unmet)
    # "applicant": the comment is addressed to the applicant; "internal": federal staff only
    # (what an applicant writes is never hidden from their own organization).
    comment_audience: str = "internal"
    fields: tuple[str, ...] = ()       # extra body fields the transition reads (docs, forms)

    def __post_init__(self):
        object.__setattr__(self, "sources", tuple(str(s) for s in self.sources))
        object.__setattr__(self, "target", str(self.target))
        if self.comment_audience not in ("applicant", "internal"):
            raise ValueError(f"{self.name}: comment_audience must be 'applicant' or 'internal'.")


@dataclass(frozen=True)
class Lifecycle:
    key: str
    model: str                          # "app_label.ModelName"
    field: str                          # the state column
    transitions: tuple[Transition, ...]
    editable: tuple[str, ...] = ()      # states in which the object's own fields may be edited
    update_fields: tuple[str, ...] = ("status",)  # columns the door and effects may save
    # Related rows read by guards and effects, fetched with the locked row (not locked).
    select_related: tuple[str, ...] = ()
    _by_name: dict[str, Transition] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "editable", tuple(str(s) for s in self.editable))
        names = [t.name for t in self.transitions]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"Lifecycle {self.key!r} declares {duplicates} more than once.")
        self._by_name.update({t.name: t for t in self.transitions})

    # -------------------------------------------------------------- reading the table

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def transition(self, name: str) -> Transition:
        """The named transition; ``NotFound`` when the table has none by that name."""
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFound(f"There is no transition named '{name}'.") from None

    def has(self, name: str) -> bool:
        return name in self._by_name

    def names(self) -> list[str]:
        return [t.name for t in self.transitions]

    def state_of(self, obj) -> str:
        return getattr(obj, self.field)

    def is_editable(self, obj) -> bool:
        return self.state_of(obj) in self.editable

    def states(self) -> list[str]:
        """Every state the table mentions, sources first, in declaration order."""
        seen: dict[str, None] = {}
        for t in self.transitions:
            for s in (*t.sources, t.target):
                seen.setdefault(s, None)
        return list(seen)

    def sources_of(self, *names: str) -> list[str]:
        """The states from which any of ``names`` can fire (e.g. a queue's states)."""
        return list(dict.fromkeys(s for n in names for s in self.transition(n).sources))

    def targets_of(self, *names: str) -> list[str]:
        return list(dict.fromkeys(self.transition(n).target for n in names))

    def terminal_states(self) -> list[str]:
        """States no transition leaves."""
        leaving = {s for t in self.transitions for s in t.sources}
        return [s for s in self.states() if s not in leaving]

    def state_label(self, state: str) -> str:
        choices = dict(self.model_class._meta.get_field(self.field).flatchoices)
        return str(choices.get(state, state))


_LIFECYCLES: dict[str, Lifecycle] = {}
_GUARDS: dict[str, Callable[[Any, Any, dict], list[str]]] = {}
_EFFECTS: dict[str, Callable[[Any, Any, dict], None]] = {}


def register(lifecycle: Lifecycle) -> Lifecycle:
    """Declare a lifecycle (once per key; re-registering the same table is harmless, so a
    module imported twice does not fail)."""
    existing = _LIFECYCLES.get(lifecycle.key)
    if existing is not None and existing != lifecycle:
        raise ValueError(f"Lifecycle {lifecycle.key!r} is already registered with another table.")
    _LIFECYCLES[lifecycle.key] = lifecycle
    return lifecycle


def guard(name: str):
    """Register ``fn(obj, actor, data) -> list[str]`` under ``name`` (e.g. "awards.before_deadline")."""
    def decorator(fn):
        _GUARDS[name] = fn
        return fn
    return decorator


def effect(name: str):
    """Register ``fn(obj, actor, data) -> None`` under ``name``."""
    def decorator(fn):
        _EFFECTS[name] = fn
        return fn
    return decorator


def get(key: str) -> Lifecycle:
    try:
        return _LIFECYCLES[key]
    except KeyError:
        raise LookupError(f"No lifecycle {key!r} is registered.") from None


def all_lifecycles() -> list[Lifecycle]:
    return list(_LIFECYCLES.values())


def for_model(model) -> Lifecycle:
    """The lifecycle of a model class or instance."""
    label = model._meta.label_lower
    for lc in _LIFECYCLES.values():
        if lc.model.lower() == label:
            return lc
    raise LookupError(f"No lifecycle is registered for {model._meta.label}.")


def transition_label(name: str, key: str | None = None) -> str | None:
    """The label a table gives transition ``name`` (searching lifecycle ``key`` first)."""
    ordered = ([_LIFECYCLES[key]] if key in _LIFECYCLES else []) + list(_LIFECYCLES.values())
    for lc in ordered:
        if lc.has(name):
            return lc.transition(name).label
    return None


# ---------------------------------------------------------------- asking


def permitted(transition: Transition, obj, actor) -> bool:
    """Whether ``actor`` may fire ``transition`` on ``obj`` (guards are separate)."""
    if actor is None:
        return transition.system
    from dpa_funding import policy

    return policy.may(actor, transition.action, obj)


def available(obj, actor, key: str | None = None) -> list[Transition]:
    """Transitions ``actor`` may fire from ``obj``'s current state (guards not evaluated)."""
    lc = get(key) if key else for_model(obj)
    state = lc.state_of(obj)
    return [t for t in lc.transitions if state in t.sources and permitted(t, obj, actor)]


def unmet_conditions(lc: Lifecycle, transition: Transition, obj, actor, data: dict) -> list[str]:
    """Every unmet condition of ``transition``: a required comment first, then each guard's."""
    unmet = []
    if transition.comment_required and not (data.get("comment") or "").strip():
        unmet.append(COMMENT_REQUIRED)
    for name in transition.guards:
        unmet.extend(_GUARDS[name](obj, actor, data))
    return unmet


def _set_state(obj, lc: Lifecycle, value: str) -> None:
    # Written into the instance dict, past any descriptor: django-fsm's protected FSMField
    # refuses attribute assignment everywhere else, which is the point.
    obj.__dict__[obj._meta.get_field(lc.field).attname] = value


def _noun(obj) -> str:
    return str(obj._meta.verbose_name)


# ---------------------------------------------------------------- the door


def fire(key: str, obj_or_pk, name: str, *, actor, data: dict | None = None,
         expected_status: str | None = None, visible_to=None):
    """Fire transition ``name`` of lifecycle ``key`` on an object (or its primary key) and
    return the saved object. Raises NotFound, Conflict (``expected_status`` differs, or a
    concurrent change), NotPermitted, InvalidTransition or ConditionsUnmet; any failure
    changes nothing.

    ``visible_to``: a user who must be able to see the object, else NotFound (an API
    answers 404, revealing nothing), checked by the same statement that locks the row
    instead of a read of its own before it."""
    lc = get(key)
    transition = lc.transition(name)
    data = dict(data or {})
    comment = (data.get("comment") or "").strip()
    Model = lc.model_class
    pk = obj_or_pk.pk if isinstance(obj_or_pk, models.Model) else obj_or_pk
    with transaction.atomic():
        queryset = Model._default_manager.select_for_update(of=("self",))
        if visible_to is not None:
            queryset = queryset.restrict(visible_to)
        if lc.select_related:
            queryset = queryset.select_related(*lc.select_related)
        try:
            obj = with_actor_role(queryset, actor).get(pk=pk)
        except Model.DoesNotExist:
            raise NotFound() from None
        remember_actor_role(obj, actor)
        from_state = lc.state_of(obj)
        if expected_status is not None and from_state != expected_status:
            raise Conflict()
        if not permitted(transition, obj, actor):
            raise NotPermitted(f"You may not {transition.label.lower()} on this {_noun(obj)}.")
        if from_state not in transition.sources:
            raise InvalidTransition(
                f"'{transition.label}' is not allowed while the {_noun(obj)} is "
                f"{lc.state_label(from_state).lower()}."
            )
        # Guards and effects of this firing share reads through transition_memo(obj); the
        # memo goes with the effects, so the returned object carries none.
        obj.__dict__[_MEMO] = {}
        unmet = unmet_conditions(lc, transition, obj, actor, data)
        if unmet:
            raise ConditionsUnmet(unmet)

        from audit import registry as audit_registry

        before = audit_registry.fold_begin(obj)
        _set_state(obj, lc, transition.target)
        for effect_name in transition.effects:
            _EFFECTS[effect_name](obj, actor, data)
        del obj.__dict__[_MEMO]
        _save(obj, lc)
        changes = audit_registry.fold_end(obj, before, saved=lc.update_fields, exclude=(lc.field,))
        from dpa_funding import policy

        log = log_transition(
            subject=obj, transition=name, from_state=from_state, to_state=transition.target,
            actor=actor, comment=comment,
            internal=transition.comment_audience == "internal" and not policy.is_applicant(actor),
            changes=changes,
        )
        transitioned.send(
            sender=Model, obj=obj, lifecycle=lc, transition=transition, from_state=from_state,
            to_state=transition.target, actor=actor, comment=comment, data=data, log=log,
        )
    return obj


_MEMO = "_transition_memo"


def transition_memo(obj) -> dict:
    """A dict shared by the guards and effects of the transition being fired on ``obj`` (a
    read a guard made that an effect reuses, e.g. the submitted record's). It lives on the
    row the door locked, so it is empty at each firing's start and its reads were made after
    the lock. Outside a firing: a new dict each call, so nothing is remembered."""
    return obj.__dict__.get(_MEMO, {})


def with_actor_role(queryset, actor):
    """``queryset`` with ``actor``'s membership role in each row's organization as a column
    (models with an ``organization``), so the policy's questions about the row need no
    statement of their own; ``remember_actor_role`` hands it to the policy. The subquery
    locks nothing: callers lock with ``select_for_update(of=("self",))``."""
    from dpa_funding import policy

    if not _has_organization(queryset.model):
        return queryset
    return policy.with_member_role(queryset, actor)


def remember_actor_role(obj, actor) -> None:
    """Seed the policy's per-request role cache with what ``with_actor_role`` read."""
    from dpa_funding import policy

    policy.remember_member_role(obj, actor, getattr(obj, "organization_id", None))


def _has_organization(Model) -> bool:
    try:
        field = Model._meta.get_field("organization")
    except FieldDoesNotExist:
        return False
    return field.many_to_one and field.related_model._meta.label_lower == "accounts.organization"


def _save(obj, lc: Lifecycle) -> None:
    from django_fsm import ConcurrentTransition

    try:
        obj.save(update_fields=list(lc.update_fields))
    except ConcurrentTransition:
        raise Conflict() from None


def log_transition(*, subject, transition: str, from_state: str, to_state: str, actor,
                   comment: str = "", internal: bool = True, changes: dict | None = None):
    """Append one transition-log row and its audit event. Called by the door; also by
    services recording a creation ("assign", "issue", "import") as the first row of an
    object's history. Call inside the transaction that changed the state.

    ``changes`` (``{"before": {...}, "after": {...}}`` and any other keys) are the other
    changes the transition made, recorded in the same event beside the status."""
    from audit.services import audit_event

    TransitionLog = apps.get_model("applications", "TransitionLog")
    actor = actor if (actor is not None and actor.is_authenticated) else None
    # Built with the subject itself: receivers of the row's post_save (webhooks) read
    # ``log.subject`` without fetching it again.
    log = TransitionLog.objects.create(
        subject=subject,
        transition=transition, from_state=from_state, to_state=to_state,
        actor=actor, comment=comment, comment_internal=internal,
    )
    changes = dict(changes or {})
    audit_event(obj=subject, action=transition, actor=actor, changes={
        **changes,
        "before": {**changes.get("before", {}), "status": from_state},
        "after": {**changes.get("after", {}), "status": to_state},
        "comment": comment, "comment_internal": internal, "transition_log": log.pk,
    })
    return log


# ---------------------------------------------------------------- system checks


@checks.register()
def check_lifecycles(app_configs=None, **kwargs):
    from dpa_funding import policy

    errors = []
    known_actions = set(policy.actions())
    for lc in _LIFECYCLES.values():
        try:
            Model = lc.model_class
            state_field = Model._meta.get_field(lc.field)
        except (LookupError, ValueError, FieldDoesNotExist) as exc:
            errors.append(checks.Error(f"Lifecycle {lc.key!r}: {exc}", id="lifecycle.E003"))
            continue
        valid_states = {str(v) for v, _ in state_field.flatchoices} if state_field.choices else None
        concrete = {f.name for f in Model._meta.concrete_fields}
        for name in lc.update_fields:
            if name not in concrete:
                errors.append(checks.Error(
                    f"Lifecycle {lc.key!r}: update field {name!r} is not a column of {lc.model}.",
                    id="lifecycle.E003"))
        for state in lc.editable:
            if valid_states is not None and state not in valid_states:
                errors.append(checks.Error(f"Lifecycle {lc.key!r}: editable state {state!r} is not a "
                                           f"choice of {lc.model}.{lc.field}.", id="lifecycle.E003"))
        for t in lc.transitions:
            where = f"Lifecycle {lc.key!r}, transition {t.name!r}"
            for g in t.guards:
                if g not in _GUARDS:
                    errors.append(checks.Error(f"{where}: guard {g!r} is not registered.",
                                               hint="Register it with @lifecycle.guard in its app.",
                                               id="lifecycle.E001"))
            for e in t.effects:
                if e not in _EFFECTS:
                    errors.append(checks.Error(f"{where}: effect {e!r} is not registered.",
                                               hint="Register it with @lifecycle.effect in its app.",
                                               id="lifecycle.E001"))
            if t.action not in known_actions:
                errors.append(checks.Error(f"{where}: policy action {t.action!r} is unknown.",
                                           hint="Add it to dpa_funding.policy.", id="lifecycle.E002"))
            for state in (*t.sources, t.target):
                if valid_states is not None and state not in valid_states:
                    errors.append(checks.Error(f"{where}: state {state!r} is not a choice of "
                                               f"{lc.model}.{lc.field}.", id="lifecycle.E003"))
    return errors
