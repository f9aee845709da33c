# Violeta. `make help` lists the targets. Only Python 3.11+ and git are needed to start.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Local state (SQLite database, generated keys). Settings read the same variable.
VIOLETA_VAR_DIR ?= var
export VIOLETA_VAR_DIR
SECRET_FILE := $(VIOLETA_VAR_DIR)/secret_key
KEYRING_FILE := $(VIOLETA_VAR_DIR)/keyring.json
PEPPER_FILE := $(VIOLETA_VAR_DIR)/receipt_pepper

.DEFAULT_GOAL := help
.PHONY: help run test lint format messages translations check-deploy codes clean bench loadtest

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

# The benchmark's extra tools (locust), on top of the dev install.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

$(SECRET_FILE):
	$(PYTHON) scripts/ensure_secret_key.py $(SECRET_FILE)

$(PEPPER_FILE):
	$(PYTHON) scripts/ensure_secret_key.py $(PEPPER_FILE)

$(KEYRING_FILE): | $(STAMP) $(SECRET_FILE)
	$(PY) manage.py create_keyring

# A compiled catalog is rebuilt only when its .po changed, so two `make test` can run at once.
PO_FILES := $(wildcard violeta/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
# The catalog of the language the messages are written in, computed from the others'.
SOURCE_MO := violeta/locale/es_MX/LC_MESSAGES/django.mo

translations: $(MO_FILES) $(SOURCE_MO) ## Compile the translation catalogs (.po -> .mo)

%.mo: %.po | $(STAMP)
	$(PY) manage.py compile_translations

$(SOURCE_MO): $(PO_FILES) | $(STAMP)
	$(PY) manage.py compile_translations

run: $(STAMP) $(SECRET_FILE) $(PEPPER_FILE) $(KEYRING_FILE) translations ## Set up everything (SQLite) and serve on http://127.0.0.1:8000
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_catalogs
	$(PY) manage.py load_protocols
	$(PY) manage.py load_non_working_days
	$(PY) manage.py load_courses
	$(PY) manage.py load_action_lines
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py seed_demo_cases
	DEBUG=1 $(PY) manage.py seed_demo_referrals
	DEBUG=1 $(PY) manage.py seed_demo_procedure
	DEBUG=1 $(PY) manage.py seed_demo_report
	DEBUG=1 $(PY) manage.py seed_demo_training
	DEBUG=1 $(PY) manage.py seed_demo_campaigns
	@# After the demo seeders (each skips once its kind of record exists), so the statistics
	@# have something to show; --up-to keeps a repeated `make run` from adding more.
	DEBUG=1 $(PY) manage.py generate_synthetic --cases 400 --up-to --force
	$(PY) manage.py stats_rebuild
	@echo "Violeta: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) $(SECRET_FILE) $(PEPPER_FILE) translations ## Run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) $(SECRET_FILE) ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy violeta

format: $(STAMP) ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP) ## Extract new strings into the .po files (needs GNU gettext)
	cd violeta && ../$(PY) ../manage.py makemessages --locale en --no-obsolete --ignore 'tests/*'

check-deploy: $(STAMP) translations ## manage.py check --deploy with production-like variables
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=violeta.example.org SECURE_SSL_REDIRECT=1 BEHIND_TLS_PROXY=1 \
	RECEIPT_PEPPER=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(48))') \
	SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=1 SECURE_HSTS_PRELOAD=1 $(PY) manage.py check --deploy --fail-level WARNING

# PostgreSQL for the benchmark; created, migrated and filled by `make bench` when needed.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/violeta_bench
BENCH_CASES ?= 1000000
export BENCH_CASES

bench: $(BENCH_STAMP) $(SECRET_FILE) $(PEPPER_FILE) $(KEYRING_FILE) translations ## Benchmark the case pages on PostgreSQL with BENCH_CASES synthetic cases (table + var/bench/results.json)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --setup $(BENCH_ARGS)

loadtest: $(BENCH_STAMP) $(SECRET_FILE) $(PEPPER_FILE) $(KEYRING_FILE) translations ## Load test: gunicorn + locust on the benchmark database (run `make bench` first)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py loadtest $(LOADTEST_ARGS)

codes: $(STAMP) ## Print the demo accounts' current second-factor codes (development only)
	DEBUG=1 $(PY) manage.py demo_codes

clean: ## Remove the virtualenv, compiled catalogs and caches (keeps var/)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	find violeta -name '*.mo' -delete
