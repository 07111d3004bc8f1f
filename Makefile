# fanpulse: `make up` runs collection and the dashboard; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: up install test soak lint format collect dashboard clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)

up: $(STAMP)  ## collect in the background and serve the dashboard (Ctrl-C stops both)
	$(BIN)/fanpulse up

collect: $(STAMP)  ## poll every source once
	$(BIN)/fanpulse collect --once

dashboard: $(STAMP)
	$(BIN)/fanpulse dashboard

test: $(TEST_STAMP)  ## lint, format check and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -m "not slow and not soak"

soak: $(TEST_STAMP)  ## the long checks: a 10-minute daemon soak (FANPULSE_SOAK_SECONDS)
	$(BIN)/python -m pytest -m "slow or soak" -s

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
