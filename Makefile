# Thin targets; the work is in scripts/. See README.md.
SHELL := /bin/bash
PY := .venv/bin/python
# Tests use their own Redis database and channel prefix so a running demo is not disturbed.
TEST_ENV := REDIS_URL=redis://127.0.0.1:6379/9 RTCC_CHANNEL_PREFIX=rtcc-test DATABASE_CONN_MAX_AGE=0
# Test processes (pytest-xdist): process N uses Redis database 9+N, channel prefix rtcc-test-gwN and
# test database test_rtcc_gwN.
# Whole files go to one process, so a module's live server and browser are started once.
TEST_PROCESSES ?= 2

.PHONY: setup demo test lint fmt typecheck bench lock schema fuzz clean

setup:
	bash scripts/setup.sh

demo: setup
	bash scripts/demo.sh

test:
	bash scripts/setup.sh --with-browser
	$(MAKE) lint typecheck schema
	$(TEST_ENV) .venv/bin/pytest --create-db -p no:cacheprovider -n $(TEST_PROCESSES) --dist loadfile

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

fmt:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

typecheck:
	.venv/bin/mypy rtcc accounts feeds incidents alerts shots cap monitoring audit cameras lpr areas operations rules correlation cases evidence bulletins shifts analytics

schema:
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

# Schemathesis against a live server (also part of `make test`); see docs/fuzzing.md.
fuzz:
	$(TEST_ENV) .venv/bin/pytest --create-db -p no:cacheprovider -s tests/security/test_fuzz_api.py

bench:
	bash scripts/setup.sh
	$(PY) bench/run.py

lock:
	.venv/bin/pip install -q pip-tools
	.venv/bin/pip-compile -q --strip-extras -o requirements.lock requirements.in
	.venv/bin/pip-compile -q --strip-extras -o requirements-dev.lock requirements-dev.in
	sed -i '/^--extra-index-url/d;/^--find-links/d' requirements.lock requirements-dev.lock

clean:
	rm -rf .venv node_modules staticfiles .demo
