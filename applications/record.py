"""The submitted record: what an application relied on when it was (re)submitted.

At submit and resubmit the organization (identifiers, address, ownership), the project
(with its mineral names) and the budget are copied onto the application
(``Application.submitted_record``, plus ``submitted_minerals`` so funds by mineral can
aggregate in the database). Screening, review, ranking, funds by mineral and the award
letter read this copy: editing the organization or project later changes only future
applications. ``record_of`` falls back to the live rows for an application never
submitted through the system (a draft, or data imported without a snapshot).
"""

from decimal import Decimal

from django.db import connection
from django.utils.functional import cached_property

from accounts.choices import FOREIGN_ENTITY_OF_CONCERN_COUNTRIES
from accounts.ownership import assess, owner_dict
from audit.chain import jsonable
from dpa_funding import lifecycle

from .choices import BUDGET_CATEGORIES
from .guards import submission_reads

_SKIP = {"id", "created_at", "updated_at", "organization"}


def _fields(obj) -> dict:
    return {f.name: jsonable(f.value_from_object(obj)) for f in obj._meta.concrete_fields
            if f.name not in _SKIP}


def organization_snapshot(org, owners=None) -> dict:
    """``owners``: the organization's owner rows (models or dicts), read here when not given."""
    # Ownership is derived from the owner rows (accounts.ownership): record the owners and
    # what was derived from them, so the record never re-derives from later owners.
    owners = list(org.owners.all() if owners is None else owners)
    ownership = assess(owners)
    return {"id": org.pk, **_fields(org), "owners": [owner_dict(o) for o in owners],
            "foreign_ownership_percent": jsonable(ownership.foreign_ownership_percent),
            "foreign_owner_countries": ownership.foreign_owner_countries,
            "foreign_entity_of_concern": ownership.foreign_entity_of_concern,
            "covered_nation_disclosure": ownership.covered_nation_disclosure,
            "foreign_entity_of_concern_reasons": ownership.reasons}


def _recorded_ownership(org: dict) -> dict:
    """The derived ownership values as recorded; records frozen before owners were rows hold
    the single disclosure (percent and countries) and no owner list."""
    countries = list(org.get("foreign_owner_countries") or [])
    covered = bool(FOREIGN_ENTITY_OF_CONCERN_COUNTRIES & set(countries))
    return {
        "foreign_entity_of_concern": bool(org.get("foreign_entity_of_concern")),
        "foreign_ownership_percent": Decimal(str(org.get("foreign_ownership_percent") or "0")),
        "foreign_owner_countries": countries,
        "covered_nation_disclosure": org.get("covered_nation_disclosure", covered),
        "foreign_entity_of_concern_reasons": org.get("foreign_entity_of_concern_reasons", []),
        "owners_recorded": org.get("owners", []),
    }


def project_snapshot(project, minerals=None) -> dict:
    """``minerals``: the project's (id, name) pairs by name, read here when not given."""
    if minerals is None:
        minerals = [(m.pk, m.name) for m in sorted(project.minerals.all(), key=lambda m: m.name)]
    return {"id": project.pk, **_fields(project), "minerals": [name for _pk, name in minerals],
            "mineral_ids": [pk for pk, _name in minerals]}


def budget_snapshot(application) -> dict:
    return {
        **{name: jsonable(getattr(application, f"budget_{name}")) for name, _ in BUDGET_CATEGORIES},
        "total": jsonable(application.budget_total),
        "federal_amount_requested": jsonable(application.federal_amount_requested),
        "cost_share_amount": jsonable(application.cost_share_amount),
    }


def build_record(application) -> dict:
    # In a submit or resubmit, what application_complete read after the lock (one statement).
    reads = submission_reads(application)
    return {
        "submitted_at": jsonable(application.submitted_at),
        "organization": organization_snapshot(application.organization, reads.owners),
        "project": project_snapshot(application.project, reads.project_minerals),
        "budget": budget_snapshot(application),
    }


def freeze(application) -> None:
    """Copy the record onto the application (the caller saves ``submitted_record``)."""
    record = build_record(application)
    application.submitted_record = record
    _set_submitted_minerals(application, record["project"]["mineral_ids"])


def _set_submitted_minerals(application, mineral_ids: list[int]) -> None:
    """``submitted_minerals`` becomes exactly ``mineral_ids`` in one statement (rather than
    the five of ``.set()`` and its audit reads); what was added and removed goes into the
    audit record of the transition (audit.registry.record_change)."""
    from audit.registry import record_change

    through = type(application).submitted_minerals.through
    table = connection.ops.quote_name(through._meta.db_table)
    with connection.cursor() as cursor:
        # Table and column names are the model's own; every value is a parameter.
        cursor.execute(
            f"""WITH removed AS (
                    DELETE FROM {table} WHERE application_id = %s AND NOT (mineral_id = ANY(%s))
                    RETURNING mineral_id),
                added AS (
                    INSERT INTO {table} (application_id, mineral_id) SELECT %s, unnest(%s::bigint[])
                    ON CONFLICT (application_id, mineral_id) DO NOTHING RETURNING mineral_id)
                SELECT ARRAY(SELECT mineral_id FROM removed ORDER BY 1),
                       ARRAY(SELECT mineral_id FROM added ORDER BY 1)""",  # nosec B608
            [application.pk, mineral_ids, application.pk, mineral_ids])
        removed, added = cursor.fetchone()
    if removed or added:
        record_change(application, "submitted_minerals", {"added": added, "removed": removed})


@lifecycle.effect("applications.freeze_submitted_record")
def freeze_submitted_record(application, actor, data) -> None:
    """Workflow effect of submit and resubmit (runs after submitted_at is stamped)."""
    freeze(application)


# ---------------------------------------------------------------- reading


class Frozen:
    """An organization or project as recorded: an unsaved model instance built from the
    snapshot (so display methods work) with the recorded derived values on top."""

    def __init__(self, instance, extra: dict):
        self._instance = instance
        self._extra = extra

    def __getattr__(self, name):
        extra = self.__dict__["_extra"]
        if name in extra:
            return extra[name]
        return getattr(self.__dict__["_instance"], name)

    def __str__(self) -> str:
        return str(self._instance)


def _instance(model, data: dict):
    values = {}
    for f in model._meta.concrete_fields:
        if f.name in data and f.name not in _SKIP:
            values[f.attname] = f.to_python(data[f.name]) if data[f.name] is not None else None
    obj = model(**values)
    obj.pk = data.get("id")
    return obj


class RecordView:
    """The organization, project and budget an application relied on, for pages and letters.

    ``frozen`` is False for an application never submitted through the system: then the
    live rows are shown, as there is no submitted record to prefer.
    """

    def __init__(self, application):
        self._application = application
        record = application.submitted_record
        self.frozen = bool(record)
        if self.frozen:
            from accounts.models import Organization

            from .models import Project

            org, project = record["organization"], record["project"]
            self.organization = Frozen(_instance(Organization, org), _recorded_ownership(org))
            self.project = Frozen(_instance(Project, project), {})
            self.budget = record["budget"]
        else:
            self.organization = application.organization
            self.project = application.project
            self.budget = budget_snapshot(application)

    @cached_property
    def minerals(self) -> list[str]:
        """Mineral names (read lazily: list pages that never show them run no query)."""
        if self.frozen:
            return list(self._application.submitted_record["project"]["minerals"])
        return sorted(m.name for m in self._application.project.minerals.all())


def record_of(application) -> RecordView:
    return RecordView(application)
