# The two commands a new user runs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dpa_funding
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
# Two processes (pytest-xdist), one per core: each has its own test database and cache prefix.
PYTEST_ARGS ?= -n 2

.PHONY: run test install install-dev system-deps browser-deps check bench bench-smoke clean client

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[dev]"
	touch $@ $(VENV)/.installed

install: system-deps $(VENV)/.installed
install-dev: system-deps browser-deps $(VENV)/.installed-dev

system-deps:
	@scripts/system-deps.sh

browser-deps:
	@scripts/browser-deps.sh

## make run: install, start PostgreSQL (embedded unless DATABASE_URL is set), migrate, load
## reference and demo data, serve with a Celery worker and beat (scripts/run.sh).
run: install
	@HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) scripts/run.sh

## make test: install test dependencies, check services, run every check and the suite.
test: install-dev
	@scripts/services-check.sh
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(MAKE) --no-print-directory check
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory bench-smoke

check:
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level medium
	DJANGO_SETTINGS_MODULE=dpa_funding.settings.test DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
	  $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=dpa_funding.settings.production DJANGO_SECRET_KEY=ci-only-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
	  DJANGO_ALLOWED_HOSTS=dpa.example.gov DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
	  CELERY_BROKER_URL=redis://127.0.0.1:6379/0 $(BIN)/python manage.py check --deploy --fail-level WARNING
	DJANGO_SETTINGS_MODULE=dpa_funding.settings.test $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(BIN)/yamllint -s docker-compose.yml
	POSTGRES_PASSWORD=ci DJANGO_SECRET_KEY=ci $(BIN)/docker-compose -f docker-compose.yml config --quiet

## make client: the typed Python client integrators would generate, into .client/dpa_client
## (ignored); fails on any openapi-python-client warning.
client: install-dev
	$(BIN)/python scripts/generate_client.py

# Benchmarks create and drop their own databases (dpa_bench*), so DATABASE_URL is not passed.
## make bench: every benchmark at full size, one after another (about 5 minutes here; run it
## on a quiet machine: the figures are compared with floors measured in the same run).
bench: install-dev
	@for b in bench/bench_*.py; do echo "== $$b"; env -u DATABASE_URL $(BIN)/python $$b || exit 1; done

bench-smoke:
	@for b in bench/bench_*.py; do echo "== $$b --smoke"; env -u DATABASE_URL $(BIN)/python $$b --smoke || exit 1; done

clean:
	rm -rf $(VENV) .run staticfiles media .client
