# One command to run the portal, one to test it. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the mail the portal sends point here: `make run PORT=8001` serves and links there.
SITE_URL ?= http://$(HOST):$(PORT)
PG_URL ?= postgres://postgres@127.0.0.1:5432/csrportal
# Tests run with DEBUG off, like production; this key is only for the test run.
TEST_ENV := SECRET_KEY=test-only-secret-key-not-for-production-0123456789abcdef NIK_HASH_KEY=test-only-nik-key ALLOWED_HOSTS=testserver,localhost,127.0.0.1 SECURE_SSL_REDIRECT=0

.DEFAULT_GOAL := help
.PHONY: help install run test test-postgres outage lint fmt messages clean bench bench-import bench-export bench-opendata bench-photos bench-caches bench-regions

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# axe-core for the browser tests' accessibility check, from the npm registry (never a CDN).
# Without npm the accessibility check is skipped locally; CI installs it and requires it.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the browser tests' accessibility check will be skipped"; fi

install: $(STAMP) $(NODE_STAMP) ## Create .venv and node_modules and install the dependencies

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/pybabel compile --domain django --directory locale --statistics

run: $(STAMP) locale/id/LC_MESSAGES/django.mo ## Migrate, load Cilegon's demo data and serve at http://127.0.0.1:8000 (SQLite; PORT=8001 for another port)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP) $(NODE_STAMP) locale/id/LC_MESSAGES/django.mo ## Run the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: ## The whole test suite on the local PostgreSQL
	$(MAKE) test DATABASE_URL=$(PG_URL)

outage: $(STAMP) locale/id/LC_MESSAGES/django.mo ## Stop, hang and start PostgreSQL and Redis of their own under load: 503s or nothing, recovery, no write lost
	OUTAGE_CHECK=1 $(TEST_ENV) $(BIN)/pytest -p no:xdist -s tests/outage

lint: $(STAMP) ## ruff, template indentation, migrations in step with models
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

fmt: $(STAMP) ## Format Python and templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

# makemessages wraps at 79 columns; the catalogue is kept as Babel writes it at 100, so that a
# new string changes a few lines of the file, not a thousand.
define REWRITE_PO
from babel.messages.pofile import read_po, write_po
path = "locale/id/LC_MESSAGES/django.po"
with open(path, "rb") as f: catalog = read_po(f, locale="id")
with open(path, "wb") as f: write_po(f, catalog, width=100, ignore_obsolete=True)
endef
export REWRITE_PO

messages: $(STAMP) ## Extract translatable strings into locale/id (needs GNU gettext)
	DEBUG=1 $(BIN)/python manage.py makemessages --locale id --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(BIN)/python -c "$$REWRITE_PO"

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var staticfiles node_modules

bench-import: $(STAMP) ## Time the preview and import of a 5,000-row needs workbook
	DEBUG=1 $(BIN)/python bench/import_needs.py

bench-export: $(STAMP) ## Time CSV and Excel downloads of 1,000 and 10,000 rows, and their peak memory
	DEBUG=1 $(BIN)/python bench/exports.py

bench-opendata: $(STAMP) ## Seconds and peak memory to write the IATI files of 2,000 and 20,000 programs
	DEBUG=1 $(BIN)/python bench/opendata.py

bench-photos: $(STAMP) ## Seconds and peak memory to check and re-encode photos of 12 to 59 megapixels
	DEBUG=1 $(BIN)/python bench/photos.py

bench-regions: $(STAMP) ## Each page's queries and CPU with 1 region served, then 60 more (its own database)
	$(BIN)/python bench/regions.py

bench-caches: $(STAMP) ## What each cache saves on its page, on and off in one run (after make bench)
	$(BIN)/python bench/caches.py

bench: $(STAMP) ## National-scale benchmark on PostgreSQL: seeds, serves with gunicorn, loads with wrk
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/national.py
