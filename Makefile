# Bruprod — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
BRUPROD := $(BIN)/bruprod
STAMP := $(VENV)/.installed
DATA_DIR := $(or $(BRUPROD_DATA_DIR),var)
# `make serve`: where gunicorn listens and how many worker processes it runs (docs/deploy.md).
BIND ?= 127.0.0.1:8000
WEB_CONCURRENCY ?= 2

.PHONY: run serve serve-env worker setup install data test test-postgres lint messages check-deploy clean

run: setup ## set up everything and serve http://127.0.0.1:8000, with the background task worker
	@# The task worker (docs/tasks.md) runs beside the server and stops with it. Ctrl+C reaches both:
	@# the worker finishes its current task, then exits. Any other end of the server stops the worker.
	@$(BRUPROD) db_worker --no-reload & worker=$$!; \
	trap 'wait $$worker 2>/dev/null' INT; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT TERM; \
	$(BRUPROD) runserver 127.0.0.1:8000

serve: setup serve-env ## the production server on $(BIND): collected static files, gunicorn with the production settings, the task worker
	@# Production settings need DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (docs/deploy.md). Without a
	@# secret key this generates one for this run only, and says so: sessions end at each restart.
	@export BRUPROD_ENV=production; \
	if [ -z "$$DJANGO_SECRET_KEY" ]; then \
	  DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	  export DJANGO_SECRET_KEY; \
	  echo "WARNING: DJANGO_SECRET_KEY is not set: using a random key for this run only (every session ends when the server stops). Set it for a real server: docs/deploy.md" >&2; \
	fi; \
	export DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	export BRUPROD_SSL_REDIRECT="$${BRUPROD_SSL_REDIRECT:-0}"; \
	echo "Serving http://$(BIND)/ with the production settings: hosts $$DJANGO_ALLOWED_HOSTS, $(WEB_CONCURRENCY) workers, HTTPS redirect $$BRUPROD_SSL_REDIRECT"; \
	$(BRUPROD) collectstatic --noinput -v 0 || exit 1; \
	$(BRUPROD) db_worker & worker=$$!; \
	trap 'wait $$worker 2>/dev/null' INT; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT TERM; \
	$(BIN)/gunicorn config.wsgi:application --bind "$(BIND)" --workers "$(WEB_CONCURRENCY)" \
	  --access-logfile - --error-logfile -

serve-env: install ## (helper of serve) check the gunicorn server is installed
	@test -x $(BIN)/gunicorn || { echo "gunicorn is missing from $(VENV): rm $(STAMP) && make install" >&2; exit 1; }

worker: install ## run the background task worker alone (`make run` already starts one)
	$(BRUPROD) db_worker

setup: install messages data ## virtualenv, dependencies, database, plan data, demo administrator
	$(BRUPROD) setup-demo

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

messages: install ## compile the nl/fr/en translation catalogues
	@if command -v msgfmt >/dev/null 2>&1; then $(BRUPROD) compilemessages --ignore '.venv' -v 0; else echo "msgfmt not found: using the committed .mo files"; fi

data: install ## migrate the database and load the plan (idempotent)
	$(BRUPROD) migrate --noinput -v 0
	$(BRUPROD) load-plan
	$(BRUPROD) load-strategies
	$(BRUPROD) load-monitoring
	$(BRUPROD) load-indicators
	$(BRUPROD) load-geo
	$(BRUPROD) load-kbo-mapping
	$(BRUPROD) load-ecosystem
	@# A small synthetic KBO dump (labelled synthetic on every page) so the economy pages show something.
	@if [ ! -f "$(DATA_DIR)/.kbo-demo-loaded" ]; then \
	  $(BRUPROD) kbo-sample --enterprises 20000 "$(DATA_DIR)/KboOpenData_0146_2025_10_10_Full.zip" && \
	  $(BRUPROD) import-kbo "$(DATA_DIR)/KboOpenData_0146_2025_10_10_Full.zip" && \
	  $(BRUPROD) import-kbo --update "$(DATA_DIR)/KboOpenData_0147_2025_10_11_Update.zip" && \
	  touch "$(DATA_DIR)/.kbo-demo-loaded"; \
	fi

test: install messages ## the whole suite (unit, request, end-to-end in headless Chromium)
	$(BIN)/pytest -q

test-postgres: install messages ## the suite against PostgreSQL
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bruprod} $(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BRUPROD) makemigrations --check --dry-run

check-deploy: install
	BRUPROD_ENV=production DJANGO_SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(50))') DJANGO_ALLOWED_HOSTS=bruprod.example.org $(BRUPROD) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
