"""Local development: debug on, console email, SQLite and the filesystem broker by default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
