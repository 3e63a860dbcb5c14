"""Test settings: real PostgreSQL and Redis (``make test`` provides both), fast hashing."""

from .base import *  # noqa: F403
from .base import env

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/dpa_funding"),
}
# Transactional tests empty every table with TRUNCATE between tests; the append-only
# triggers refuse that unless the session says so (audit.append_only.trigger_sql).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c dpa.allow_audit_truncate=on"
# pytest-xdist runs the suite in parallel (make test: -n 2). Each worker gets its own Redis
# database (gw0: 15, gw1: 14, ...) and cache prefix, as it gets its own test database, so
# worker processes started by one test never take tasks queued by another.
XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
_XDIST_INDEX = int(XDIST_WORKER[2:]) if XDIST_WORKER.startswith("gw") else 0


def _redis_db_for_worker(url: str) -> str:
    base, _, db = url.rpartition("/")
    return f"{base}/{int(db) - _XDIST_INDEX}" if db.isdigit() and _XDIST_INDEX else url


CELERY_BROKER_URL = _redis_db_for_worker(env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15"))
CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_TRANSPORT_OPTIONS  # noqa: F405
LOGGING = logging_config(env("LOG_FORMAT", default="plain"), LOG_LEVEL)  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Fault tests run real worker processes that write emails to files (EMAIL_FILE_PATH).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
# The shared cache is Redis here as in production (throttle counts across processes).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": env("CACHE_URL", default=CELERY_BROKER_URL),
                      "KEY_PREFIX": f"dpa-test-{XDIST_WORKER or 'main'}"}}
