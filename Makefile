# make run  — install into .venv, migrate, load frameworks and the demo, serve on http://127.0.0.1:8000
# make test — install into .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto
HOST ?= 127.0.0.1
PORT ?= 8000
# The embedded setup: SQLite in the project folder, Celery tasks in-process, mail on the console,
# sign-up open to anyone (production's default is invitation-only).
DEV_ENV := DEBUG=true SIGNUP_MODE=open

.PHONY: run test lint format install serve demo clean axe screenshots

# Quiet: the last lines before the server's own are the demo's emails in one line, the login and the address.
run: install
	@$(DEV_ENV) LOG_LEVEL=ERROR $(BIN)/python manage.py migrate --noinput --verbosity 0
	@$(DEV_ENV) LOG_LEVEL=ERROR $(BIN)/python manage.py load_frameworks --verbosity 0
	@$(DEV_ENV) LOG_LEVEL=ERROR $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (sign in with the login above; anyone may sign up here)"
	@$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "RACI needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		rm -rf $(VENV); \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's python3-venv (needed to create .venv)"; \
			apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); \
		else \
			echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)."; exit 1; \
		fi; }

# make axe — axe-core (npm) for the accessibility browser test, into the git-ignored build/axe. A dev asset:
# never committed, never fetched while tests run; tests/browser/test_axe.py skips without it (not in CI).
AXE_VERSION ?= 4.14.1
axe: build/axe/node_modules/axe-core/axe.min.js

# The README's screenshots (docs/img/*.png): the demo served locally, captured by /usr/bin/chromium.
screenshots: install
	$(BIN)/python bench/screenshots.py

build/axe/node_modules/axe-core/axe.min.js:
	mkdir -p build/axe
	npm install --prefix build/axe --no-save --no-audit --no-fund axe-core@$(AXE_VERSION)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# make worker / make beat — a Celery worker and the beat scheduler against CELERY_BROKER_URL
# (for instance CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make worker). Without it, tasks
# already run in-process under `make run` and neither is needed.
.PHONY: worker beat
worker: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)."; exit 1; }
	$(DEV_ENV) $(BIN)/celery -A raci worker --loglevel INFO

beat: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)."; exit 1; }
	$(DEV_ENV) $(BIN)/celery -A raci beat --loglevel INFO --schedule $(VENV)/celerybeat-schedule
