# The two commands a newcomer needs: `make preview` and `make test`.
# Each bootstraps .venv from the pinned requirements on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STACK  ?= dev
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

SCAN   := .venv-scan

.PHONY: preview test scan bench lint format clean

# Stamp files record which requirement set is installed, so an edit to a
# requirements file reinstalls and an unchanged one costs nothing.
$(VENV)/.runtime-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	touch $@

# pulumi-policy pins protobuf 5 in its metadata but runs on the program's protobuf 6: it is
# installed without its dependencies (requirements-policy.txt, hash-pinned).
$(VENV)/.dev-installed: $(VENV)/.runtime-installed requirements-dev.txt requirements-policy.txt
	$(PIP) install -r requirements-dev.txt
	$(PIP) install --no-deps -r requirements-policy.txt
	touch $@

## Offline preview of a stack (default: dev) against the local mock engine.
preview: $(VENV)/.runtime-installed
	$(BIN)/cmkpg-preview --stack $(STACK)

## Lint, format check and the unit tests.
test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

$(SCAN)/.installed: requirements-scan.txt
	$(PYTHON) -m venv $(SCAN)
	$(SCAN)/bin/python -m pip --disable-pip-version-check --quiet install -r requirements-scan.txt
	touch $@

## Every shipped stack as ARM templates through checkov; fails on a finding outside the
## README's "Security scanner findings" table.
scan: $(VENV)/.runtime-installed $(SCAN)/.installed
	$(BIN)/python -m tools.scan --checkov $(SCAN)/bin/checkov

## How fast the offline preview is: the dev stack against its import floor, and the cost
## per cluster at N = 10, 100 and 200.
bench: $(VENV)/.runtime-installed
	$(BIN)/python -m tools.bench

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(SCAN) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
