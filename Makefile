# A newcomer needs two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
VNU_JAR := node_modules/.vnu/node_modules/vnu-jar/build/dist/vnu.jar
OIDC_PROVIDER := node_modules/.oidc/node_modules/oidc-provider/lib/index.js

.PHONY: demo setup serve test test-browser lint format assets vnu oidc-provider lock release

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every package at the version and with the hashes in requirements.lock, then
# the project itself (no dependencies of its own beyond the lock).
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@

## lock: write requirements.lock anew from pyproject.toml (versions already
## locked are kept unless pyproject.toml no longer allows them; add
## --upgrade after `make lock ARGS=` to take newer releases)
lock: $(VENV)/.installed
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 --custom-compile-command "make lock" \
		-o requirements.lock --quiet $(ARGS)

## release: what a deployment runs after installing a new version, with the
## production environment set: migrations, the cache's table, static files, Django's deployment
## checks (fails on any warning)
release:
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## setup: install, migrate, load reference and demo data (safe to run again)
setup: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

## demo: setup, then serve on http://127.0.0.1:$(PORT)
demo: setup serve

## serve: the server and a task worker beside it (emails, summary packs);
## Ctrl-C stops both
serve: $(VENV)/.installed
	PYTHON=$(BIN)/python PORT=$(PORT) scripts/demo-serve.sh

## test: the whole test suite (SQLite unless DATABASE_URL is set), without
## the browser tests, one process per core (a module's tests stay together,
## so its module-wide data is built once)
test: $(VENV)/.installed
	$(BIN)/pytest -n auto --dist loadscope

## test-browser: the journeys in a real Chromium (/usr/bin/chromium; Debian
## packages chromium and poppler-utils), and every page crawled on a phone and
## checked by the Nu Html Checker (needs Java and npm)
test-browser: $(VENV)/.installed $(VNU_JAR) $(OIDC_PROVIDER)
	$(BIN)/pytest -m browser tests/browser tests/oidc

## oidc-provider: the OpenID Connect provider the single sign-on tests run on
## loopback (npm package oidc-provider; needs Node.js 20.19 or later)
oidc-provider: $(OIDC_PROVIDER)
$(OIDC_PROVIDER):
	mkdir -p node_modules/.oidc
	echo '{"name": "oidc-test-provider", "private": true}' > node_modules/.oidc/package.json
	cd node_modules/.oidc && npm install --silent --ignore-scripts oidc-provider@9.13.3

## vnu: the Nu Html Checker (npm package vnu-jar, run with the system Java)
vnu: $(VNU_JAR)
$(VNU_JAR):
	mkdir -p node_modules/.vnu
	echo '{"name": "vnu-checker", "private": true}' > node_modules/.vnu/package.json
	cd node_modules/.vnu && npm install --silent --ignore-scripts vnu-jar@26.9.27

## lint: ruff, formatting, types, security (bandit, medium and above), the
## direction of the apps' imports (import-linter) and migrations in step
## with the models
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive . --severity-level medium
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## assets: rebuild static/govuk from the govuk-frontend npm package (needs npm);
## the versions are those written in static/govuk/README.md
GOVUK_FRONTEND_VERSION := 5.14.0
SASS_VERSION := 1.108.2
assets:
	rm -rf node_modules/govuk-assets && mkdir -p node_modules/govuk-assets
	echo '{"name": "govuk-assets", "private": true}' > node_modules/govuk-assets/package.json
	cd node_modules/govuk-assets && npm install --silent --no-audit --no-fund \
		govuk-frontend@$(GOVUK_FRONTEND_VERSION) sass@$(SASS_VERSION)
	node_modules/govuk-assets/node_modules/.bin/sass --style=compressed --no-source-map \
		--quiet-deps --silence-deprecation=import \
		--load-path=node_modules/govuk-assets/node_modules assets/govuk.scss static/govuk/govuk-frontend.min.css
	cp node_modules/govuk-assets/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/
