# Violeta. `make help` lists the targets. Only Python 3.11+ and git are needed to start.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run serve test test-browser lint format typecheck messages translations check-deploy clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

var/secret_key:
	$(PYTHON) scripts/ensure_secret_key.py var/secret_key

translations: $(STAMP) ## Compile the translation catalogs (.po -> .mo)
	$(PY) manage.py compile_translations

run: $(STAMP) var/secret_key translations ## Set up everything (SQLite) and serve on http://127.0.0.1:8000
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_catalogs
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Violeta: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) var/secret_key translations ## Run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy violeta

format: $(STAMP) ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP) ## Extract new strings into the .po files (needs GNU gettext)
	cd violeta && ../$(PY) ../manage.py makemessages --locale en --no-obsolete --ignore 'tests/*'
	cd violeta && ../$(PY) ../manage.py makemessages --domain djangojs --locale en --no-obsolete

check-deploy: $(STAMP) translations ## manage.py check --deploy with production-like variables
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=violeta.example.org SECURE_SSL_REDIRECT=1 BEHIND_TLS_PROXY=1 \
	SECURE_HSTS_SECONDS=31536000 $(PY) manage.py check --deploy --fail-level WARNING

clean: ## Remove the virtualenv, compiled catalogs and caches (keeps var/)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	find violeta -name '*.mo' -delete
