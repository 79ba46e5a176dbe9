# Two commands: `make run` serves the demo blog, `make test` runs every check.
# Both create .venv on first use with a Python 3.12+ found on this machine.

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python 3.12+ among python3.14 … python3, then pyenv's installed versions.
PYTHON ?= $(shell \
	ok() { "$$@" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }; \
	for c in python3.14 python3.13 python3.12 python3 python; do \
		if ok $$c; then command -v $$c; exit 0; fi; \
	done; \
	if command -v pyenv >/dev/null 2>&1; then \
		for v in $$(pyenv versions --bare 2>/dev/null | sort -rV); do \
			p="$$(pyenv root)/versions/$$v/bin/python"; \
			if ok "$$p"; then echo "$$p"; exit 0; fi; \
		done; \
	fi)

.PHONY: run serve test lint format messages demo screenshots diagram clean

$(VENV)/.runtime: requirements.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer found (tried python3.14 … python3, and pyenv)."; \
		echo "Install one (for example: sudo apt install python3.12-venv, or pyenv install 3.13) and run make again."; \
		exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# axe-core, which the browser tests run for their accessibility checks, pinned
# by package-lock.json. Without npm those checks are skipped with a message.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the browser tests will skip their accessibility checks (axe-core)."; fi

## Serve the demo blog on SQLite at http://127.0.0.1:8000 (admin: see README),
## with the background worker beside it (e-mails, with links to this server);
## stopping the server stops it.
run: $(VENV)/.runtime
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-true} $(PY) manage.py periodic_tasks --schedule
	DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} \
		$(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM HUP; \
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver $(HOST):$(PORT)

## Serve with gunicorn and WhiteNoise, as in production (needs SECRET_KEY, ALLOWED_HOSTS).
serve: $(VENV)/.runtime
	$(PY) manage.py collectstatic --no-input
	$(PY) manage.py migrate --no-input
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3}

## Every check: lint, format, the layers (import-linter), Django's checks, migrations up to date, the test suite.
test: $(VENV)/.dev node_modules/.package-lock.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

## Redraw docs/layers.svg, the apps and the imports between them, from the code.
diagram: $(VENV)/.dev
	$(PY) docs/layers.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Refresh the French catalogue after changing translatable strings (needs GNU gettext).
messages: $(VENV)/.dev
	DEBUG=true $(PY) manage.py makemessages --locale fr --no-obsolete --no-location --ignore '$(VENV)/*' --ignore 'node_modules/*'
	DEBUG=true $(PY) manage.py makemessages --locale fr --domain djangojs --no-obsolete --no-location --ignore '$(VENV)/*' --ignore 'node_modules/*'
	DEBUG=true $(PY) manage.py compilemessages --ignore '$(VENV)/*' --ignore 'node_modules/*'

## Retake the screenshots shown in README.md and docs/ (browser tests, Chromium needed).
screenshots: $(VENV)/.dev
	BLOG_SCREENSHOTS_TO_DOCS=1 $(PY) -m pytest -q tests/e2e/test_screenshots.py

demo: $(VENV)/.runtime
	DEBUG=true $(PY) manage.py load_demo

clean:
		rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles node_modules test-screenshots

# Benchmarks (bench/README.md): each prints figures, none asserts a speed.
# bench-write needs DATABASE_URL to name a PostgreSQL server.
.PHONY: bench bench-throughput bench-write bench-memory

## Post page and home page: queries and median time, drawn and cached.
bench: $(VENV)/.runtime
	$(PY) bench/post_page.py

## Requests per second under gunicorn: trivial view, cached and uncached post page.
bench-throughput: $(VENV)/.runtime
	$(PY) bench/throughput.py

## Comments per second from 20 concurrent posters, on PostgreSQL.
bench-write: $(VENV)/.runtime
	$(PY) bench/writing.py

## Memory of a gunicorn worker after 1,000 views of a 10,000-comment post.
bench-memory: $(VENV)/.runtime
	$(PY) bench/memory.py
