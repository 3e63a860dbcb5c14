"""Local development: debug on, console email, the filesystem broker by default, and
PostgreSQL from DATABASE_URL or else the embedded server `make run` starts (.run/pgdata)."""

from .base import *  # noqa: F403
from .base import env, postgresql_options

DEBUG = env.bool("DJANGO_DEBUG", default=True)
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)  # noqa: F405

if not env.str("DATABASE_URL", default=""):
    from dpa_funding import devdb

    DATABASES = {"default": {**devdb.database_settings(), "OPTIONS": postgresql_options()}}
