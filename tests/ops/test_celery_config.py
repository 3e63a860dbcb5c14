"""Celery settings that make a killed worker lose nothing, and delays Redis can honour.

With acks_late over Redis a message stays "unacked" in Redis while its task runs (or waits
for a countdown) and is handed to another worker ``visibility_timeout`` seconds after it was
taken. A retry delay or countdown longer than that would run the task twice; a task allowed
to run longer than that would too.
"""

import ast
from pathlib import Path

from django.conf import settings

from dpa_funding.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ["accounts", "applications", "awards", "notifications", "reviews", "ops",
                    "dpa_funding"]


def _project_tasks():
    celery_app.loader.import_default_modules()
    return [t for name, t in celery_app.tasks.items()
            if name.split(".")[0] in PROJECT_PACKAGES]


def test_a_killed_worker_gives_its_message_back():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT


def test_no_retry_delay_or_time_limit_reaches_the_visibility_timeout():
    visibility = settings.CELERY_VISIBILITY_TIMEOUT
    tasks = _project_tasks()
    assert "awards.tasks.generate_award_letter" in {t.name for t in tasks}
    for task in tasks:
        if getattr(task, "retry_backoff", False):
            # jitter only shortens a delay; the cap is the longest one
            assert task.retry_backoff_max < visibility, task.name
        if task.max_retries:
            assert (task.default_retry_delay or 0) < visibility, task.name
        if task.time_limit:
            assert task.time_limit < visibility, task.name
        assert task.acks_late is not False, task.name


def test_no_source_schedules_a_countdown_or_eta_beyond_the_visibility_timeout():
    """Every countdown=/eta= in the code must be a literal below the visibility timeout."""
    offenders = []
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.keyword) and node.arg in ("countdown", "eta"):
                    ok = (node.arg == "countdown" and isinstance(node.value, ast.Constant)
                          and node.value.value < settings.CELERY_VISIBILITY_TIMEOUT)
                    if not ok:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
