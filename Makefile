# Entry points: run, test, lint, proto, bench. Every target installs what is missing first.
SHELL := /bin/bash
CACHE ?= $(or $(CORDIAL_CACHE),$(HOME)/.cache/cordial)
PY := .venv/bin/python
BUF := $(CACHE)/buf/node_modules/.bin/buf
export UV_CACHE_DIR ?= $(CACHE)/uv

.PHONY: install run test test-unit test-integration lint lint-checks proto bench simulate

install:
	@deploy/local/install.sh

## Start Kafka, FerretDB, the sandbox and the six services; seed a demo client; Ctrl-C stops all.
run: install
	$(PY) -m cordial_stack run

## Lint, unit tests, then integration and end-to-end tests against real Kafka and FerretDB.
test: install
	$(MAKE) --no-print-directory lint-checks
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory test-integration

test-unit:
	$(PY) -m pytest -q -m "not integration and not e2e"

test-integration:
	$(PY) -m pytest -q -m "integration or e2e"

## Figures, each script printing its conditions (not tests: nothing here asserts on time).
bench: install
	for script in bench/*.py; do [ "$$script" = bench/simulate.py ] || $(PY) $$script || exit 1; done

## ruff, mypy, buf lint and breaking, and a check that committed stubs match proto/.
lint: install
	$(MAKE) --no-print-directory lint-checks

lint-checks:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	cd proto && $(BUF) lint
	@# Guards a branch's proto changes against main; on main itself it compares with main.
	if git rev-parse -q --verify refs/heads/main >/dev/null; then \
	  cd proto && $(BUF) breaking --against '../.git#branch=main,subdir=proto'; \
	else echo "buf breaking: no local main branch to compare with"; fi
	$(PY) -m pytest -q tests/contract

## Regenerate the Python stubs from proto/ with the pinned grpcio-tools.
proto: install
	rm -rf libs/contracts/src/cordial
	PATH=$(CURDIR)/.venv/bin:$$PATH proto/generate.sh libs/contracts/src

## Time-compressed run of the real stack (Kafka, FerretDB, sandbox, six services) on a shared clock, checked
## independently from what the providers received; non-zero on any violation (ARGS="--debtors 1000 --days 60").
simulate: install
	$(PY) bench/simulate.py $(ARGS)
