# The two commands of the README. Each does all its own set-up on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: demo test lint venv system-deps test-sqlite test-postgres bench

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || bash .ci/system-deps.sh venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,spark]'
	touch $@

venv: $(VENV)/.installed

demo: venv
	$(BIN)/jiuzhu demo

lint: venv
	$(BIN)/ruff check jiuzhu tests bench

system-deps:
	bash .ci/system-deps.sh all

# Everything: lint, the whole suite on SQLite, the database suite again on PostgreSQL.
test: venv system-deps lint
	bash .ci/ensure-postgres.sh
	rm -rf var/test-home && mkdir -p var/test-home
	@echo "=== pytest on SQLite (whole suite) ==="
	env -u DATABASE_URL JIUZHU_HOME=$(CURDIR)/var/test-home $(PYTEST) -n 2 --dist loadgroup
	@echo "=== pytest on PostgreSQL (database tests: tests/app) ==="
	DATABASE_URL=$(PG_TEST_URL) JIUZHU_HOME=$(CURDIR)/var/test-home $(PYTEST) -n 2 tests/app

bench: venv
	$(BIN)/python -m bench
