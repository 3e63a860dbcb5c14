"""Which models are audited, and the signal handlers that turn their changes into events.

Every concrete model of the project's own apps (all but ``NOT_AUDITED_APPS``) is audited:
``pre_save`` reads the stored row, ``post_save`` writes the fields that changed
(``create`` with every field, ``update`` with before/after of the changed ones),
``post_delete`` the row as it was, ``m2m_changed`` the related ids before and after.
Models of a new app are covered as soon as the app is installed; a model opts out only by
being named in ``NOT_AUDITED`` with the reason.

Signals do not fire for ``QuerySet.update()``/``bulk_create()``; state changes are audited
by ``applications.services.log_transition`` whatever path saved them, and writes that
bypass ``save()`` are what the one-door rule (and its test) forbids.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .chain import jsonable

# label -> why it is not audited.
NOT_AUDITED = {
    "audit.auditevent": "the audit log itself",
    "applications.transitionlog": "append-only; each row is audited by log_transition",
    "applications.idempotencyrecord": "a cache of API responses, not a record",
    "awards.awardnumbersequence": "a counter; the number is recorded on the audited award",
    "notifications.notification": "messages generated from audited events",
    "notifications.reminderlog": "bookkeeping of reminders sent by the sweep",
    "webhooks.webhookdelivery": "delivery bookkeeping of audited events; the AOR reads it as the delivery log",
    "webhooks.webhookattempt": "one HTTP attempt of a delivery, kept in the delivery log",
    "exclusions.samexclusion": "SAM's own records, bulk-loaded with COPY (150,000 a file); each "
                               "import is audited as its SamExtract row and an 'imported' event",
    "accounts.owner": "replaced as a set; audited as one ownership_changed event on the "
                      "organization with every owner before and after (accounts.services)",
}

# Field values never written into the log (only that they changed).
REDACTED = {"password", "secret"}  # a webhook's signing secret
# Fields that change on every save and say nothing by themselves.
IGNORED = {"updated_at", "last_login"}

AUDITED_USER_FIELDS = ("username", "email", "first_name", "last_name", "role", "award_authority",
                       "job_title", "is_active", "is_staff", "is_superuser", "password")

REDACTED_VALUE = "[redacted]"


@dataclass
class AuditSpec:
    model: type
    fields: list = field(default_factory=list)  # concrete fields captured

    @property
    def attnames(self) -> list[str]:
        return [f.attname for f in self.fields]


_registry: dict[type, AuditSpec] = {}


def is_audited(model) -> bool:
    return model in _registry


def audited_models() -> list[type]:
    return list(_registry)


def register(model, *, only: tuple[str, ...] | None = None) -> None:
    """Audit ``model`` (all concrete fields, or ``only`` these) and its many-to-many fields."""
    if model in _registry:
        return
    concrete = [f for f in model._meta.concrete_fields if f.name not in IGNORED]
    if only is not None:
        concrete = [f for f in concrete if f.name in only]
    _registry[model] = AuditSpec(model=model, fields=concrete)
    uid = f"audit:{model._meta.label_lower}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=uid)
    post_save.connect(_post_save, sender=model, dispatch_uid=uid)
    post_delete.connect(_post_delete, sender=model, dispatch_uid=uid)
    for m2m in model._meta.local_many_to_many:
        m2m_changed.connect(_m2m_handler(m2m.name), sender=m2m.remote_field.through,
                            dispatch_uid=f"{uid}.{m2m.name}", weak=False)


# Apps of the project whose rows are not records, and why.
NOT_AUDITED_APPS = {
    "audit": "the audit log itself",
    "ops": "infrastructure: the outbox and the worker heartbeat",
    "dpa_funding": "the project package (no models)",
}


def project_app_labels() -> list[str]:
    """Every app of this project (not third-party) except NOT_AUDITED_APPS: a new app is
    audited from its first model without anyone remembering to list it."""
    root = str(settings.BASE_DIR)
    return [c.label for c in apps.get_app_configs()
            if c.path.startswith(root) and "site-packages" not in c.path and c.label not in NOT_AUDITED_APPS]


def register_project_models() -> None:
    """Register every model of the project's apps except the documented opt-outs."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for app_label in project_app_labels():
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label_lower in NOT_AUDITED or model._meta.proxy:
                continue
            register(model, only=AUDITED_USER_FIELDS if model is user_model else None)


# ---------------------------------------------------------------- values


def _value(spec_field, raw):
    if raw is not None and isinstance(spec_field, models.DecimalField):
        # Compare 0 and 0.00 as the database stores them: with the field's places.
        raw = Decimal(raw).quantize(Decimal(1).scaleb(-spec_field.decimal_places))
    return jsonable(raw)


def snapshot(instance, spec: AuditSpec) -> dict:
    """Field values as JSON (redacted fields still hold their value here, for comparison)."""
    return {f.attname: _value(f, f.value_from_object(instance)) for f in spec.fields}


def _redact(values: dict) -> dict:
    return {k: (REDACTED_VALUE if k in REDACTED else v) for k, v in values.items()}


def _stored(instance, spec: AuditSpec, update_fields) -> dict | None:
    fields = spec.fields if not update_fields else [f for f in spec.fields if f.name in update_fields
                                                    or f.attname in update_fields]
    if not fields:
        return {}
    row = (type(instance)._base_manager.using(instance._state.db or "default")
           .filter(pk=instance.pk).values(*[f.attname for f in fields]).first())
    if row is None:
        return None
    return {f.attname: _value(f, row[f.attname]) for f in fields}


# ---------------------------------------------------------------- folding into one event

FOLDING = "_audit_folding"  # instance attribute: its saves are recorded by the caller's event
FOLDED_EXTRA = "_audit_folded_extra"


def fold_begin(instance) -> dict | None:
    """Start recording ``instance``'s changes into one event the caller writes (a
    transition): its saves write no event of their own, and no stored row is read (the
    caller has just loaded it). Returns the values before, for ``fold_end``."""
    spec = _registry.get(type(instance))
    setattr(instance, FOLDING, True)
    setattr(instance, FOLDED_EXTRA, {})
    return snapshot(instance, spec) if spec is not None else None


def record_change(instance, name: str, change) -> None:
    """Report a change made without ``save()`` (e.g. a many-to-many set written in one
    statement) for the event being folded; outside a fold it is written as an update event."""
    if getattr(instance, FOLDING, False):
        getattr(instance, FOLDED_EXTRA)[name] = change
        return
    from .services import audit_event

    audit_event(obj=instance, action="update", changes={name: change})


def fold_end(instance, before: dict | None, *, saved: tuple[str, ...],
             exclude: tuple[str, ...] = ()) -> dict:
    """Stop folding; the ``saved`` fields that changed (before/after, redacted) and the
    reported changes."""
    setattr(instance, FOLDING, False)
    extra = getattr(instance, FOLDED_EXTRA, {})
    setattr(instance, FOLDED_EXTRA, {})
    spec = _registry.get(type(instance))
    if spec is None or before is None:
        return dict(extra)
    after = snapshot(instance, spec)
    meta = type(instance)._meta
    columns = {meta.get_field(name).attname for name in saved} - {meta.get_field(name).attname for name in exclude}
    keys = [k for k in before if k in columns and before[k] != after.get(k)]
    return {**extra, "before": _redact({k: before[k] for k in keys}),
            "after": _redact({k: after[k] for k in keys})}


# ---------------------------------------------------------------- handlers


def _pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if getattr(instance, FOLDING, False):
        return
    if raw or instance.pk is None or instance._state.adding:
        instance._audit_before = None
        return
    instance._audit_before = _stored(instance, _registry[sender], update_fields)


def _post_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    from .services import audit_event

    if raw or getattr(instance, FOLDING, False):
        return
    spec = _registry[sender]
    after = snapshot(instance, spec)
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created or before is None:
        changed = {k: v for k, v in after.items() if v not in (None, "", [], {})} if created else after
        audit_event(obj=instance, action="create", changes={"before": {}, "after": _redact(changed)})
        return
    keys = [k for k in before if before[k] != after.get(k)]
    if not keys:
        return  # saved without a change: nothing happened to the record
    audit_event(obj=instance, action="update",
                changes={"before": _redact({k: before[k] for k in keys}),
                         "after": _redact({k: after[k] for k in keys})})


def _post_delete(sender, instance, **kwargs):
    from .services import audit_event

    before = _redact(snapshot(instance, _registry[sender]))
    audit_event(obj=instance, action="delete", changes={"before": before, "after": {}})


def _m2m_handler(field_name: str):
    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        from .services import audit_event

        if reverse:
            # e.g. mineral.projects.add(project): the change belongs to each project.
            if action in ("post_add", "post_remove") and pk_set:
                verb = "added" if action == "post_add" else "removed"
                for obj in model._base_manager.filter(pk__in=pk_set):
                    audit_event(obj=obj, action="update",
                                changes={field_name: {verb: [instance.pk]}})
            return
        state = instance.__dict__.setdefault("_audit_m2m_before", {})
        if action in ("pre_add", "pre_remove", "pre_clear"):
            state[field_name] = sorted(getattr(instance, field_name).values_list("pk", flat=True))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        before = state.pop(field_name, None)
        after = sorted(getattr(instance, field_name).values_list("pk", flat=True))
        if before is None or before == after:
            return
        audit_event(obj=instance, action="update",
                    changes={"before": {field_name: before}, "after": {field_name: after}})

    return handler


