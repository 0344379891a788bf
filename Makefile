# A newcomer needs two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
VNU_JAR := node_modules/.vnu/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: demo setup serve test test-browser lint format assets vnu

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

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
test-browser: $(VENV)/.installed $(VNU_JAR)
	$(BIN)/pytest -m browser tests/browser

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

## assets: rebuild static/govuk from the govuk-frontend npm package (needs npm)
assets:
	rm -rf node_modules/.assets && mkdir -p node_modules/.assets
	cd node_modules/.assets && npm init -y >/dev/null && npm install --silent govuk-frontend@5 sass@1
	node_modules/.assets/node_modules/.bin/sass --style=compressed --no-source-map \
		--quiet-deps --silence-deprecation=import \
		--load-path=node_modules/.assets/node_modules assets/govuk.scss static/govuk/govuk-frontend.min.css
	cp node_modules/.assets/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/
