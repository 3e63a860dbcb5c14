"""Test settings: real PostgreSQL and Redis (``make test`` provides both), fast hashing."""

from .base import *  # noqa: F403
from .base import database_from_url, env

DATABASES = {
    "default": database_from_url(default="postgres://postgres@127.0.0.1:5432/dpa_funding"),
}
# Transactional tests empty every table with TRUNCATE between tests; the append-only
# triggers refuse that unless the session says so (audit.append_only.trigger_sql).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c dpa.allow_audit_truncate=on"
# pytest-xdist runs the suite in parallel (make test: -n 2), each process on its own test
# database; the cache prefix keeps their throttle counts and cached values apart too. The
# broker is shared: tests run tasks eagerly, and those that start real workers give them a
# Redis server of their own (tests/ops/procs.py).
XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
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
