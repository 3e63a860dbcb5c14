"""Log records carry the request id (dpa_funding.request_context) and, in a worker, the task.

``LOG_FORMAT=json`` (production default) writes one JSON object per line with python-json-logger;
``plain`` (make run, tests) writes the same fields as readable text.
"""

import logging

from .request_context import current_request_id


class ContextFilter(logging.Filter):
    """Adds ``request_id`` (or "-") and, inside a Celery task, ``task_name`` and ``task_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs 4xx/5xx after the middleware has left, with the request attached.
        record.request_id = (current_request_id()
                             or getattr(getattr(record, "request", None), "request_id", None)
                             or "-")
        if not hasattr(record, "task_id"):
            try:
                from celery import current_task

                task = current_task._get_current_object() if current_task else None
            except Exception:
                task = None
            record.task_name = getattr(task, "name", "") or ""
            record.task_id = (getattr(task.request, "id", "") or "") if task else ""
        return True


def config(fmt: str, level: str) -> dict:
    """The LOGGING dict for ``fmt`` "json" or "plain"."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "dpa_funding.logging.ContextFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s "
                       "%(task_name)s %(task_id)s %(process)d",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "timestamp": False,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler",
                                 "formatter": "json" if fmt == "json" else "plain",
                                 "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # WeasyPrint and fontTools log several INFO lines per rendered letter.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            # gunicorn's access log is formatted by gunicorn.conf.py; keep it on our handler.
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
