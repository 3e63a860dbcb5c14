"""The audit log: events for every change, the hash chain, append-only tables."""

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from accounts.services import organization_update
from applications.models import Mineral, TransitionLog
from applications.services import application_transition, application_update, project_update
from audit.append_only import AppendOnlyError
from audit.context import acting_as
from audit.models import AuditEvent
from audit.services import audit_event
from audit.verify import verify_chain
from tests.factories import ApplicationFactory, OrganizationFactory, UserFactory, aor_of

pytestmark = pytest.mark.django_db


def events_for(obj, action=None):
    qs = AuditEvent.objects.for_object(obj)
    return list(qs.filter(action=action) if action else qs)


def verify() -> tuple[int, str]:
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    return 0, out.getvalue()


# ---------------------------------------------------------------- what is recorded


def test_a_transition_writes_one_chained_event_with_actor_states_and_comment():
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    application_transition(application_id=app.pk, name="submit", actor=aor, data={"comment": "Ready."})
    (event,) = events_for(app, "submit")
    assert event.actor == aor
    assert event.changes["before"]["status"] == "draft"
    assert event.changes["after"]["status"] == "submitted"
    assert event.changes["comment"] == "Ready."
    assert event.changes["transition_log"] == TransitionLog.objects.get(object_id=app.pk).pk
    assert verify_chain().ok


def test_a_transition_is_one_event_holding_every_column_and_set_it_changed():
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    minerals = sorted(app.project.minerals.values_list("pk", flat=True))
    assert minerals
    before = AuditEvent.objects.count()
    application_transition(application_id=app.pk, name="submit", actor=aor, data={"comment": ""})
    app.refresh_from_db()
    # The save and the minerals snapshot write no "update" events of their own...
    assert [e.action for e in AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:]] == ["submit"]
    (event,) = events_for(app, "submit")
    # ...their changes are in the transition's event, with before and after.
    assert event.changes["before"]["submitted_at"] is None
    assert event.changes["after"]["submitted_at"] == app.submitted_at.astimezone(dt.UTC).isoformat()
    assert event.changes["after"]["submitted_record"]["project"]["mineral_ids"] == minerals
    assert event.changes["submitted_minerals"] == {"added": minerals, "removed": []}
    assert "updated_at" not in event.changes["after"]
    assert sorted(app.submitted_minerals.values_list("pk", flat=True)) == minerals


def test_a_resubmission_records_the_minerals_added_and_removed():
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    application_transition(application_id=app.pk, name="submit", actor=aor, data={"comment": ""})
    old = sorted(app.submitted_minerals.values_list("pk", flat=True))
    cobalt = Mineral.objects.get(name="cobalt")
    assert cobalt.pk not in old
    app.project.minerals.set([cobalt])
    from applications import record

    with transaction.atomic():
        record.freeze(app)  # as resubmit does, outside a transition: an update event of its own
    (event,) = [e for e in events_for(app, "update") if "submitted_minerals" in e.changes]
    assert event.changes["submitted_minerals"] == {"added": [cobalt.pk], "removed": old}
    assert list(app.submitted_minerals.values_list("pk", flat=True)) == [cobalt.pk]


def test_the_chain_head_is_reread_after_a_savepoint_that_held_an_event_rolls_back():
    a, b = OrganizationFactory(), OrganizationFactory()
    with transaction.atomic():
        audit_event(obj=a, action="note", changes={"n": 1})
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_event(obj=a, action="note", changes={"n": 2})  # linked to event 1...
            raise RuntimeError("undo")
        # ...and rolled back: this event must link to event 1, not to the vanished one.
        audit_event(obj=b, action="note", changes={"n": 3})
    assert verify_chain().ok
    assert [e.changes["n"] for e in events_for(a, "note") + events_for(b, "note")] == [1, 3]


def test_a_transaction_takes_the_chain_lock_and_reads_the_head_once():
    org = OrganizationFactory()
    from django.test.utils import CaptureQueriesContext

    connection._audit_chain_head = None  # forget the head the factory's event left
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        for n in range(3):
            audit_event(obj=org, action="note", changes={"n": n})
    sqls = [q["sql"] for q in ctx.captured_queries]
    # The lock, then three INSERTs: the first reads the head inside itself, the others
    # link to the head remembered from the one before.
    assert len(sqls) == 4, sqls
    assert "pg_advisory_xact_lock" in sqls[0]
    assert all(q.startswith('INSERT INTO "audit_auditevent"') for q in sqls[1:])
    assert sum("ORDER BY" in q for q in sqls) == 1
    assert verify_chain().ok


def test_a_project_edit_records_before_and_after_including_minerals():
    app = ApplicationFactory()
    aor = aor_of(app.organization)
    project = app.project
    cobalt = Mineral.objects.get(name="cobalt")
    lithium = Mineral.objects.get(name="lithium")
    last = AuditEvent.objects.order_by("-id").first().pk
    with acting_as(aor):
        project_update(actor=aor, project=project, county="Nye",
                       minerals=[lithium, cobalt])
    updates = [e for e in events_for(project, "update") if e.pk > last]
    fields = {k: (e.changes["before"][k], e.changes["after"][k]) for e in updates for k in e.changes["after"]}
    assert fields["county"] == ("Esmeralda", "Nye")
    assert fields["minerals"][1] == sorted([lithium.pk, cobalt.pk])
    assert cobalt.pk not in fields["minerals"][0]
    assert all(e.actor == aor for e in updates)


def test_application_budget_edit_and_organization_edit_are_recorded():
    app = ApplicationFactory()
    aor = aor_of(app.organization)
    application_update(actor=aor, application=app, budget={"travel": "1000.00", "equipment": "11999000.00"})
    (event,) = events_for(app, "update")
    assert event.changes["before"]["budget_travel"] == "0.00"
    assert event.changes["after"]["budget_travel"] == "1000.00"
    assert "updated_at" not in event.changes["after"]

    organization_update(actor=aor, organization=app.organization, city="Reno")
    (org_event,) = events_for(app.organization, "update")
    assert org_event.changes["after"] == {"city": "Reno"}


def test_creation_and_deletion_are_recorded():
    org = OrganizationFactory()
    (created,) = events_for(org, "create")
    assert created.changes["after"]["uei"] == org.uei
    pk = org.pk
    org.delete()
    deleted = AuditEvent.objects.get(object_type="accounts.organization", object_id=pk, action="delete")
    assert deleted.changes["before"]["legal_name"] == org.legal_name


def test_a_role_change_is_recorded_and_password_hashes_never_are():
    user = UserFactory()
    user.role = "program_officer"
    user.set_password("Another-Strong-Password-9")
    user.save()
    (event,) = events_for(user, "update")
    assert event.changes["before"]["role"] == "applicant"
    assert event.changes["after"]["role"] == "program_officer"
    assert event.changes["after"]["password"] == "[redacted]"
    assert "pbkdf2" not in str(event.changes) and "md5" not in str(event.changes)


def test_webhook_endpoint_changes_are_recorded_and_secrets_never_are(monkeypatch):
    import socket

    from webhooks import services as webhook_services

    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("93.184.216.34", 443))])
    app = ApplicationFactory()
    aor = aor_of(app.organization)
    endpoint = webhook_services.endpoint_create(
        actor=aor, organization=app.organization, url="https://erp.example.com/hooks",
        event_types=["application.status_changed"])
    webhook_services.endpoint_rotate_secret(actor=aor, endpoint=endpoint)
    (created,) = events_for(endpoint, "create")
    assert created.changes["after"]["url"] == "https://erp.example.com/hooks"
    assert created.changes["after"]["secret"] == "[redacted]"
    (rotated,) = events_for(endpoint, "update")
    assert rotated.changes["before"]["secret"] == rotated.changes["after"]["secret"] == "[redacted]"
    assert endpoint.secret not in str(created.changes) + str(rotated.changes)


def test_every_model_of_a_project_app_is_audited_or_exempt_with_a_reason():
    from django.apps import apps

    from audit import registry

    for label in registry.project_app_labels():
        for model in apps.get_app_config(label).get_models():
            assert registry.is_audited(model) or model._meta.label_lower in registry.NOT_AUDITED, model


def test_saving_without_a_change_writes_no_event():
    org = OrganizationFactory()
    before = AuditEvent.objects.count()
    org.save()
    assert AuditEvent.objects.count() == before


def test_a_rolled_back_change_leaves_no_event():
    org = OrganizationFactory()
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        org.city = "Elko"
        org.save()
        raise RuntimeError
    assert AuditEvent.objects.count() == before


def test_api_requests_record_the_token_user_and_the_request_id(client_for):
    app = ApplicationFactory()
    aor = aor_of(app.organization)
    response = client_for(aor).patch(f"/api/v1/applications/{app.pk}/", {"title": "New title"},
                                     format="json", HTTP_X_REQUEST_ID="req-audit-0001")
    assert response.status_code == 200, response.content
    (event,) = events_for(app, "update")
    assert event.actor == aor
    assert event.request_id == "req-audit-0001"
    assert event.changes["after"] == {"title": "New title"}


def test_admin_edits_are_recorded_with_the_administrator(client):
    admin = UserFactory(admin=True)
    client.force_login(admin)
    mineral = Mineral.objects.get(name="cobalt")
    response = client.post(f"/admin/applications/mineral/{mineral.pk}/change/", {
        "name": "cobalt", "symbol": "Co", "group": mineral.group, "usgs_2022": "on", "usgs_2025": "on",
        "designation_note": "Reviewed by the administrator",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    update = AuditEvent.objects.get(object_type="applications.mineral", object_id=mineral.pk, action="update")
    assert update.actor == admin
    assert update.changes["after"]["designation_note"] == "Reviewed by the administrator"
    logged = AuditEvent.objects.get(object_type="applications.mineral", object_id=mineral.pk,
                                    action="admin_change")
    assert logged.actor == admin and logged.request_id == update.request_id


# ---------------------------------------------------------------- append-only


@pytest.mark.parametrize("model", [AuditEvent, TransitionLog])
def test_querysets_refuse_update_and_delete(model):
    ApplicationFactory()
    audit_event(object_type="tests.thing", object_id=1, action="create", actor=None, changes={})
    with pytest.raises(AppendOnlyError):
        model.objects.update(action="x") if model is AuditEvent else model.objects.update(comment="x")
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()


def test_saved_events_refuse_save_and_delete():
    event = audit_event(object_type="tests.thing", object_id=1, action="create", actor=None, changes={})
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.parametrize("table", ["audit_auditevent", "applications_transitionlog"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET id = id", "DELETE FROM {t}", "TRUNCATE {t} CASCADE"])
def test_the_database_refuses_update_delete_and_truncate(table, statement):
    app = ApplicationFactory(ready=True)
    application_transition(application_id=app.pk, name="submit", actor=aor_of(app.organization))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        # Test sessions may truncate (Django empties tables between transactional tests); turn it off.
        cur.execute("SET LOCAL dpa.allow_audit_truncate = off")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending FK checks first
        cur.execute(statement.format(t=table))


# ---------------------------------------------------------------- verify and tamper


def test_verify_reports_the_count_and_head_when_intact():
    OrganizationFactory()
    OrganizationFactory()
    code, out = verify()
    count = AuditEvent.objects.count()
    assert f"{count} events" in out and count >= 2
    assert AuditEvent.objects.order_by("-id").first().hash in out


def _tamper(sql: str, params) -> None:
    with connection.cursor() as cur:
        # As a database superuser would: replica mode skips ordinary triggers.
        cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        cur.execute("SET session_replication_role = origin")


def test_an_edited_event_is_named_by_verify():
    org = OrganizationFactory()
    organization_update(actor=aor_of_org(org), organization=org, city="Ely")
    target = AuditEvent.objects.get(object_type="accounts.organization", object_id=org.pk, action="update")
    OrganizationFactory()  # events after the tampered one
    _tamper("UPDATE audit_auditevent SET changes = %s WHERE id = %s",
            ['{"before": {"city": "Reno"}, "after": {"city": "Elko"}}', target.pk])
    with pytest.raises(CommandError) as excinfo:
        verify()
    assert excinfo.value.returncode == 1
    assert f"broken at event {target.pk}" in str(excinfo.value)
    assert "changed" in str(excinfo.value)


def test_a_deleted_event_is_named_by_verify():
    OrganizationFactory()
    OrganizationFactory()
    OrganizationFactory()
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    victim, successor = ids[1], ids[2]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [victim])
    with pytest.raises(CommandError) as excinfo:
        verify()
    assert excinfo.value.returncode == 1
    assert f"broken at event {successor}" in str(excinfo.value)
    assert "removed" in str(excinfo.value)


def test_amounts_and_dates_round_trip_through_storage_without_breaking_the_hash():
    audit_event(object_type="tests.thing", object_id=7, action="update", actor=None,
                changes={"before": {"amount": Decimal("1.10"), "ratio": 1e20}, "after": {"n": [1, "a", None]}})
    assert verify_chain().ok


def aor_of_org(org):
    from tests.factories import MembershipFactory

    return MembershipFactory(organization=org, role="authorized_representative").user


# ---------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    threads_n, per_thread = 6, 15
    barrier = threading.Barrier(threads_n)
    failures = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_event(object_type="tests.thing", object_id=n, action=f"write{i}", actor=None,
                                changes={"i": i})
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    events = list(AuditEvent.objects.filter(object_type="tests.thing").order_by("id"))
    assert len(events) == threads_n * per_thread
    prevs = [e.prev_hash for e in AuditEvent.objects.order_by("id")]
    assert len(set(prevs)) == len(prevs), "two events link to the same predecessor: the chain forked"
    assert verify_chain().ok
