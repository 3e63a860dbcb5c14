"""The lifecycle engine (dpa_funding.lifecycle): the one door, its registries and checks.

A throwaway table on the Application model exercises the door without depending on any
app's rules; the real tables are checked by the system check test at the end.
"""

import pytest
from django.db import transaction

from applications.choices import ApplicationStatus as S
from applications.models import Application, TransitionLog
from audit.models import AuditEvent
from dpa_funding import lifecycle
from dpa_funding.errors import ConditionsUnmet, Conflict, InvalidTransition, NotFound, NotPermitted
from tests.factories import ApplicationFactory, UserFactory, aor_of, set_status

pytestmark = pytest.mark.django_db

KEY = "test_lifecycle"
CALLS: list[str] = []


@lifecycle.guard("tests.needs_flag")
def _needs_flag(obj, actor, data):
    return [] if data.get("flag") else ["Set the flag."]


@lifecycle.guard("tests.needs_title")
def _needs_title(obj, actor, data):
    return [] if obj.title.startswith("OK") else ["The title must start with OK."]


@lifecycle.effect("tests.record_call")
def _record_call(obj, actor, data):
    CALLS.append(obj.status)  # runs after the state changed
    obj.response_due_at = None


@lifecycle.effect("tests.explode")
def _explode(obj, actor, data):
    raise RuntimeError("effect failed")


TABLE = lifecycle.Lifecycle(
    key=KEY, model="applications.Application", field="status", editable=(S.DRAFT,),
    update_fields=("status", "response_due_at", "updated_at"),
    transitions=(
        lifecycle.Transition("go", "Go", (S.DRAFT,), S.SUBMITTED, "application.submit",
                             guards=("tests.needs_flag", "tests.needs_title"),
                             effects=("tests.record_call",), comment_required=True,
                             comment_audience="applicant"),
        lifecycle.Transition("boom", "Boom", (S.DRAFT,), S.SUBMITTED, "application.submit",
                             effects=("tests.record_call", "tests.explode")),
        lifecycle.Transition("tick", "Tick", (S.SUBMITTED,), S.SCREENING,
                             "application.start_screening", system=True),
    ),
)


@pytest.fixture(autouse=True)
def table():
    CALLS.clear()
    lifecycle.register(TABLE)
    yield TABLE
    lifecycle._LIFECYCLES.pop(KEY, None)


def _app(**kwargs):
    return ApplicationFactory(title=kwargs.pop("title", "OK title"), **kwargs)


def test_fire_changes_state_runs_effects_saves_logs_and_audits():
    app = _app()
    aor = aor_of(app.organization)
    got = lifecycle.fire(KEY, app.pk, "go", actor=aor, data={"flag": True, "comment": " Ready. "})
    assert got.status == S.SUBMITTED and CALLS == [S.SUBMITTED]
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED
    log = TransitionLog.objects.get(object_id=app.pk)
    assert (log.transition, log.from_state, log.to_state, log.actor, log.comment) == (
        "go", S.DRAFT, S.SUBMITTED, aor, "Ready.")
    assert not log.comment_internal  # addressed to the applicant
    event = AuditEvent.objects.get(object_id=app.pk, action="go")
    assert event.changes["before"] == {"status": S.DRAFT} and event.changes["after"] == {"status": S.SUBMITTED}


def test_every_unmet_condition_is_reported_together_and_nothing_changes():
    app = _app(title="Not yet")
    with pytest.raises(ConditionsUnmet) as exc:
        lifecycle.fire(KEY, app, "go", actor=aor_of(app.organization), data={})
    assert exc.value.unmet == [lifecycle.COMMENT_REQUIRED, "Set the flag.", "The title must start with OK."]
    assert Application.objects.get(pk=app.pk).status == S.DRAFT
    assert not TransitionLog.objects.exists() and CALLS == []


def test_a_failing_effect_rolls_everything_back():
    app = _app()
    events_before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        lifecycle.fire(KEY, app, "boom", actor=aor_of(app.organization))
    assert Application.objects.get(pk=app.pk).status == S.DRAFT
    assert not TransitionLog.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_policy_state_expected_status_and_unknown_names():
    app = _app()
    officer = UserFactory(officer=True)
    with pytest.raises(NotPermitted):
        lifecycle.fire(KEY, app, "go", actor=officer, data={"flag": 1, "comment": "x"})
    with pytest.raises(NotPermitted):  # no actor: only system transitions
        lifecycle.fire(KEY, app, "go", actor=None, data={"flag": 1, "comment": "x"})
    with pytest.raises(InvalidTransition):
        lifecycle.fire(KEY, app, "tick", actor=officer)
    with pytest.raises(Conflict):
        lifecycle.fire(KEY, app, "go", actor=aor_of(app.organization), data={"flag": 1, "comment": "x"},
                       expected_status=S.SUBMITTED)
    with pytest.raises(NotFound):
        lifecycle.fire(KEY, app, "nope", actor=officer)
    with pytest.raises(NotFound):
        lifecycle.fire(KEY, 10**9, "tick", actor=officer)
    assert Application.objects.get(pk=app.pk).status == S.DRAFT


def test_system_transition_fires_without_an_actor():
    app = set_status(_app(), S.SUBMITTED)
    assert lifecycle.fire(KEY, app, "tick", actor=None).status == S.SCREENING
    assert TransitionLog.objects.get(object_id=app.pk).actor is None


def test_available_lists_what_the_actor_may_fire_from_the_current_state():
    app = _app()
    aor = aor_of(app.organization)
    assert [t.name for t in lifecycle.available(app, aor, KEY)] == ["go", "boom"]
    assert lifecycle.available(app, UserFactory(officer=True), KEY) == []
    submitted = set_status(_app(), S.SUBMITTED)
    assert [t.name for t in lifecycle.available(submitted, None, KEY)] == ["tick"]


def test_transitioned_is_sent_inside_the_transaction():
    app = _app()
    seen = []

    def receiver(sender, **kwargs):
        assert transaction.get_connection().in_atomic_block
        seen.append((sender, kwargs["transition"].name, kwargs["from_state"], kwargs["to_state"],
                     kwargs["lifecycle"].key, kwargs["comment"]))

    lifecycle.transitioned.connect(receiver)
    try:
        lifecycle.fire(KEY, app, "go", actor=aor_of(app.organization), data={"flag": 1, "comment": "c"})
    finally:
        lifecycle.transitioned.disconnect(receiver)
    assert seen == [(Application, "go", S.DRAFT, S.SUBMITTED, KEY, "c")]


def test_a_raising_receiver_aborts_the_transition():
    app = _app()

    def receiver(sender, **kwargs):
        raise RuntimeError("receiver failed")

    lifecycle.transitioned.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            lifecycle.fire(KEY, app, "go", actor=aor_of(app.organization), data={"flag": 1, "comment": "c"})
    finally:
        lifecycle.transitioned.disconnect(receiver)
    assert Application.objects.get(pk=app.pk).status == S.DRAFT


def test_the_state_field_refuses_plain_assignment():
    app = _app()
    with pytest.raises(AttributeError):
        app.status = S.SUBMITTED


def test_table_helpers():
    lc = lifecycle.get("application")
    assert lifecycle.for_model(Application) is lc
    assert lc.transition("submit").target == S.SUBMITTED
    assert lc.is_editable(_app()) and not lc.is_editable(set_status(_app(), S.SUBMITTED))
    assert lc.sources_of("decline") == [S.REVIEWED, S.SELECTED, S.NEGOTIATION]
    assert S.WITHDRAWN in lc.terminal_states() and S.DRAFT not in lc.terminal_states()
    with pytest.raises(LookupError):
        lifecycle.get("no-such-lifecycle")


def test_system_check_passes_for_every_registered_table():
    assert lifecycle.check_lifecycles() == []


def test_system_check_reports_unresolved_names_unknown_actions_and_states():
    broken = lifecycle.Lifecycle(
        key="test_broken", model="applications.Application", field="status",
        update_fields=("status", "no_column"),
        transitions=(lifecycle.Transition("x", "X", (S.DRAFT,), "nowhere", "application.no_such_action",
                                          guards=("tests.missing_guard",),
                                          effects=("tests.missing_effect",)),),
    )
    lifecycle.register(broken)
    try:
        errors = lifecycle.check_lifecycles()
    finally:
        lifecycle._LIFECYCLES.pop("test_broken")
    ids = sorted(e.id for e in errors)
    assert ids == ["lifecycle.E001", "lifecycle.E001", "lifecycle.E002", "lifecycle.E003", "lifecycle.E003"]
    text = " ".join(e.msg for e in errors)
    assert "tests.missing_guard" in text and "tests.missing_effect" in text
    assert "application.no_such_action" in text and "nowhere" in text and "no_column" in text
