# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := comment_portal
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run demo test test-sqlite test-postgres test-browser-check serve lint bench bench-scale clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## A random SECRET_KEY, made once and kept (used when the environment sets none); never committed
instance/secret_key:
	@mkdir -p instance
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@
	@echo "Created $@ (a random SECRET_KEY for this machine)"

node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --silent; \
	else echo "npm not found: accessibility checks in browser tests will be skipped"; fi

## Set up, initialise the embedded SQLite database and serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed instance/secret_key
	$(BIN)/flask init --create-admin admin
	@echo "Serving on http://$(HOST):$(PORT)  (staff login: http://$(HOST):$(PORT)/auth/login)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## Like run, with ~200 sample opinions (reviewed, answered, approved, results published) and demo accounts
demo: $(VENV)/.installed instance/secret_key
	$(BIN)/flask init --create-admin admin
	$(BIN)/flask load-demo
	@echo "Serving on http://$(HOST):$(PORT)  (results: /results, staff login: /auth/login)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## Production-style server (gunicorn, 2 workers); set SECRET_KEY and COMMENT_PORTAL_ENV=production
serve: $(VENV)/.installed instance/secret_key
	$(BIN)/flask init
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) wsgi:app

## Run every test on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set
test: $(VENV)/.installed node_modules/axe-core/axe.min.js test-browser-check test-sqlite test-postgres

test-browser-check:
	@$(BIN)/python -m tests.e2e.requirements || true

test-sqlite: $(VENV)/.installed
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest

test-postgres: $(VENV)/.installed
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== Again on PostgreSQL: $$TEST_DATABASE_URL"; \
		$(BIN)/python -m pytest -m "not browser" --ignore=tests/classifier; \
	else echo "TEST_DATABASE_URL is not set: the PostgreSQL run was skipped (see README)."; fi

lint: $(VENV)/.installed
	$(BIN)/ruff check comment_portal classifier tests bench

## Benchmarks (figures are recorded in docs/benchmarks.md); loopback only, bounded in time
bench: $(VENV)/.installed
	$(BIN)/python bench/classifier_quality.py
	$(BIN)/python bench/classifier_bench.py
	@for b in bench/queue_bench.py bench/grouping_bench.py bench/digest_bench.py bench/load_bench.py; do \
		if [ -f $$b ]; then $(BIN)/python $$b || exit 1; fi; done

## 1,000,000 opinions on PostgreSQL (POSTGRES_ADMIN_URL): queue, intake, committee digest (~12 min, ~9.5 GB RAM)
bench-scale: $(VENV)/.installed
	$(BIN)/python bench/scale_bench.py --rows 1000000

clean:
	rm -rf $(VENV) node_modules .pytest_cache
