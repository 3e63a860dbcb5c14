# syntax=docker/dockerfile:1
# Production image for the DPA Title III case-management system (Django + Celery + WeasyPrint).
#   docker build -t dpa-funding .
# The same image runs the web process (default CMD), the Celery worker and Celery beat
# (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Import the project from /app, not from the copy `pip install .` puts in site-packages:
    # settings derive BASE_DIR (templates/, static/, staticfiles/) from the module's location.
    PYTHONPATH=/app

# WeasyPrint's native libraries (Pango, HarfBuzz subsetting). Fonts ship in the repository.
# Unpinned on purpose: the bookworm archive only carries the current (security-patched) version.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, in their own layer, so code changes do not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-deps .

# Static files are collected at build time with throwaway values: production settings refuse
# to import without these variables, but collectstatic touches neither the database nor the broker.
RUN DJANGO_SETTINGS_MODULE=dpa_funding.settings.production \
    DJANGO_SECRET_KEY=build-time-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@127.0.0.1:1/none \
    CELERY_BROKER_URL=memory:// \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/.run \
    && chown app:app /app/media /app/.run

ENV DJANGO_SETTINGS_MODULE=dpa_funding.settings.production \
    MEDIA_ROOT=/app/media

USER 10001:10001

EXPOSE 8000

CMD ["gunicorn", "dpa_funding.wsgi:application"]
