"""Append-only models: rows are inserted, never changed or deleted from the application.

The database enforces the same with triggers (see the migrations); this layer makes the
mistake visible in Python first, with a clear message instead of a database error.
"""

from django.db import models

from dpa_funding.querysets import RestrictedQuerySet


class AppendOnlyError(Exception):
    """An attempt to change or delete a row of an append-only table."""


class AppendOnlyQuerySet(RestrictedQuerySet):
    """Refuses changes; ``restrict()`` as every model (the policy decides who reads)."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: update() is refused.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: delete() is refused.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: bulk_update() is refused.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: update_or_create() is refused.")

    def _raw_delete(self, using):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: deletion is refused.")


class AppendOnlyManager(models.Manager.from_queryset(AppendOnlyQuerySet)):
    pass


class AppendOnlyModel(models.Model):
    """Base for tables whose rows are history: save once, never again, never delete."""

    objects = AppendOnlyManager()

    class Meta:
        abstract = True
        # The deletion collector and related managers use the base manager: refuse there too.
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} rows are append-only and cannot be deleted.")


def trigger_sql(table: str) -> tuple[list[str], list[str]]:
    """PostgreSQL DDL (forward, reverse) refusing UPDATE, DELETE and TRUNCATE on ``table``.

    TRUNCATE is let through only when the session sets ``dpa.allow_audit_truncate = on``:
    the test settings do, because Django empties every table between transactional tests.
    A production connection never sets it. Whoever owns the table can still disable the
    trigger: the hash chain, not the trigger, is what detects that (verify_audit_log).
    """
    forward = [
        """
        CREATE OR REPLACE FUNCTION dpa_refuse_history_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' AND current_setting('dpa.allow_audit_truncate', true) = 'on' THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$
        """,
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION dpa_refuse_history_change()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION dpa_refuse_history_change()""",
    ]
    reverse = [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    ]
    return forward, reverse


def protect_table(table: str):
    """A migration operation installing the append-only triggers (PostgreSQL only)."""
    from django.db import migrations

    def forward(apps, schema_editor):
        _run(schema_editor, table, 0)

    def backward(apps, schema_editor):
        _run(schema_editor, table, 1)

    return migrations.RunPython(forward, backward, elidable=False)


def _run(schema_editor, table: str, index: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in trigger_sql(table)[index]:
        schema_editor.execute(statement, params=None)
