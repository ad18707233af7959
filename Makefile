# One entry point for every task. `make run` and `make test` are all a newcomer needs.
PY ?= python3
# make is the demo and development entry point; a deployment runs the server with OPENDOOR_DEMO=false (README).
export OPENDOOR_DEMO ?= true
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

PHONY_EXTRA := lock audit
.PHONY: restore-drill bench bench-load bench-matching bench-depersonalise api-fuzz serve smoke run test test-sqlite test-postgres lint check setup browser system-deps messages clean

$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

# WeasyPrint needs Pango and a Cyrillic font from Debian; installed only when missing.
system-deps:
	@ldconfig -p | grep -q libpangoft2 && fc-list | grep -qi dejavu || \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

setup: $(STAMP) system-deps
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=.venv-bench
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py collectstatic --noinput -v 0

# Loads the demo region only into an empty database, so a second `make run` keeps user data.
run: setup
	$(BIN)/python manage.py seed_demo --if-empty
	@# The demo asks for no second factor so every role can be tried at once; production keeps it on.
	@# The task worker (reminders, e-mails to the console, certificates) logs to var/worker.log and stops with the server.
	export OPENDOOR_REQUIRE_2FA=$${OPENDOOR_REQUIRE_2FA:-false}; \
	$(BIN)/python manage.py run_worker > var/worker.log 2>&1 & trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/python manage.py demo_accounts; \
	  OPENDOOR_DEBUG=$${OPENDOOR_DEBUG:-false} $(BIN)/python manage.py runserver --nostatic 127.0.0.1:8000

# The production stack on this machine: gunicorn + task worker on PostgreSQL (127.0.0.1) with a Redis cache.
serve: $(STAMP) system-deps
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=.venv-bench
	sh deploy/serve.sh

# CI: start that stack on a scratch database, check health, static files and a login, stop it.
smoke: $(STAMP) system-deps
	$(BIN)/python deploy/smoke.py

# CI: schemathesis generates requests from /api/v1/schema/ against that stack: no server errors, no answer
# outside the schema.
api-fuzz: $(STAMP) system-deps
	$(BIN)/python deploy/api_fuzz.py

# Debian's chromium drives the browser journeys; installed here when missing (never `playwright install`).
browser:
	@command -v chromium >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core)

test: $(STAMP) browser system-deps
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=.venv-bench
	$(MAKE) test-sqlite
	@if [ "$$CI" = "true" ]; then $(MAKE) test-postgres; fi

test-sqlite:
	@echo "== test suite on SQLite =="
	DATABASE_URL= $(BIN)/pytest -n 2 --dist loadfile

test-postgres:
	@echo "== test suite on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --dist loadfile

APPS := accounts api audit cases core demo events lib opendoor ops people referrals reports safety methods

# PostgreSQL production backup drill: pg_dump (custom format) of DATABASE_URL (default: the «opendoor» database of
# `make serve`), pg_restore into a scratch database, every table's rows and the audit chain compared.
restore-drill: $(STAMP)
	$(BIN)/python deploy/restore_drill.py

# Benchmarks are not tests: they print figures and write bench/results/*.json (see docs/performance.md).
BENCH_CASES ?= 50000
bench: setup
	OPENDOOR_VAR_DIR=var/bench sh -c '$(BIN)/python manage.py migrate -v0 && \
	  ($(BIN)/python manage.py seed_demo --if-empty > /dev/null) && \
	  $(BIN)/python manage.py bench_monitoring --label sqlite-demo && \
	  $(BIN)/python manage.py generate_load --cases $(BENCH_CASES) | tail -n 1 && \
	  $(BIN)/python manage.py bench_monitoring --label sqlite-large && \
	  $(BIN)/python manage.py bench_queries --label sqlite-large'

# National scale on PostgreSQL: generate data once, count queries per page, load the production stack.
bench-load: setup
	sh bench/load.sh

# Person matching next to splink (installed only here, in its own environment) at 10 thousand and 1 million
# records, then the search-before-create look-up at 1 million persons on PostgreSQL.
BENCH_VENV := .venv-bench
MATCHING_DB ?= postgres://postgres@127.0.0.1:5432/opendoor_matching
MATCHING_SIZES ?= 10000 100000 1000000
$(BENCH_VENV)/.installed: bench/requirements-splink.txt
	test -x $(BENCH_VENV)/bin/python || $(PY) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --require-hashes -r bench/requirements-splink.txt
	touch $@

bench-matching: setup $(BENCH_VENV)/.installed
	$(BIN)/python manage.py bench_matching --sizes $(MATCHING_SIZES) --splink $(BENCH_VENV)/bin/python
	DATABASE_URL=$(MATCHING_DB) $(BIN)/python deploy/createdb.py
	DATABASE_URL=$(MATCHING_DB) $(BIN)/python manage.py migrate -v 0
	DATABASE_URL=$(MATCHING_DB) $(BIN)/python manage.py bench_matching --sizes --lookup 1000000

# Recall, precision and throughput of depersonalisation on labelled invented narratives (methods/narratives.py).
bench-depersonalise: setup
	$(BIN)/python manage.py bench_depersonalise

lint: $(STAMP)
	$(BIN)/ruff check .
	@# bench_monitoring builds its hand-written SQL from constants only (B608 would flag every statement).
	$(BIN)/bandit -q -r $(APPS) -x "*/migrations/*,*/bench_monitoring.py"
	@# The floors (docs/architecture.md): apps import only downwards; views and commands write through actions;
	@# access needs are declared.
	$(BIN)/lint-imports --no-cache
	$(BIN)/python tools/check_architecture.py

# Exact versions with hashes of every installed package; `make` installs with --require-hashes.
# requirements.lock is what production runs (the Docker image, the systemd install): no test or lint tools;
# requirements-dev.lock adds them for `make run`, `make test` and CI, with the same versions of the rest.
lock:
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --extra dev -o requirements-dev.lock pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe -c requirements-dev.lock -o requirements.lock pyproject.toml

# Needs the PyPI vulnerability service, which build machines cannot reach: run it where it can.
audit: $(STAMP)
	$(BIN)/pip-audit --require-hashes -r requirements-dev.lock

check: lint
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l ru --ignore=.venv --ignore=.venv-bench --ignore=var --no-obsolete --no-location
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=.venv-bench

clean:
	rm -rf $(VENV) var
