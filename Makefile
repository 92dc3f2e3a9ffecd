# Bruprod — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
BRUPROD := $(BIN)/bruprod
STAMP := $(VENV)/.installed
DATA_DIR := $(or $(BRUPROD_DATA_DIR),var)

.PHONY: run setup install data test test-postgres lint messages check-deploy clean

run: setup ## set up everything and serve http://127.0.0.1:8000
	$(BRUPROD) runserver 127.0.0.1:8000

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
	$(BRUPROD) makemigrations --check --dry-run

check-deploy: install
	BRUPROD_ENV=production DJANGO_SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(50))') DJANGO_ALLOWED_HOSTS=bruprod.example.org $(BRUPROD) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
