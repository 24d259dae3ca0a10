# goalbot: `make run` to start the bot (local shell without Slack tokens), `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run demo test test-sqlite test-postgres bench lint clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("goalbot needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/goalbot db upgrade
	$(BIN)/goalbot run

# A sales team with twelve weeks of history in goalbot-demo.db (apart from goalbot.db), then the shell in it.
demo: $(STAMP)
	$(BIN)/goalbot demo

# The suite runs on SQLite, then on PostgreSQL when GOALBOT_TEST_POSTGRES_URL answers (CI sets it), spread over
# TEST_WORKERS processes (pytest-xdist; each has its own SQLite files and PostgreSQL schema). The listener tests
# run on SQLite, those marked `both_databases` on PostgreSQL too; a whole run fails if goalbot issued SQL from a
# place no PostgreSQL test reached (tests/database_choice.py). `make test-postgres` runs everything there. Many tests wait on
# HTTP round trips and subprocesses, so one worker more than the two cores helps; a fourth only adds CPU (measured
# 2 December 2026, both databases: 2 workers 105 s and 141 CPU-s, 3 workers 90–107 s and 145–173 CPU-s,
# 4 workers 103–120 s and 177–206 CPU-s: more processes than cores evict each other's caches).
# TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 3
# worksteal: the tests' lengths differ by a thousand times, and an idle worker takes half of the longest queue
# (the default schedule left two of four workers idle for the last minute of a run).
TEST_DIST := $(if $(filter 0,$(TEST_WORKERS)),,--dist worksteal)
# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set (it is on our machines): without it each worker
# rewrites every test module's asserts and compiles the project again, some 2 s of CPU per worker and run.
test test-sqlite test-postgres: export PYTHONDONTWRITEBYTECODE :=
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(TEST_DIST) $(PYTEST_ARGS)

# Only one database: every test that needs one runs on it, the rest (parsers, rendering) run as usual.
test-sqlite: $(STAMP)
	GOALBOT_TEST_DATABASES=sqlite $(BIN)/python -m pytest -n $(TEST_WORKERS) $(TEST_DIST) $(PYTEST_ARGS)

test-postgres: $(STAMP)
	GOALBOT_TEST_DATABASES=postgresql GOALBOT_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) $(TEST_DIST) $(PYTEST_ARGS)

# ruff (lint and import order) and mypy (strict for bot/rules and storage), as configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
