# fanpulse: `make up` runs collection and the dashboard; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BROWSER_STAMP := $(VENV)/.browser
# Fans write in emoji: without this font, screenshots show empty boxes.
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
# The dashboard's browser tests drive Debian's chromium; install it when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: up demo install test soak bench lint format docs collect dashboard clean

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

demo: $(STAMP)  ## build a synthetic database (data/demo.duckdb) and open the dashboard on it
	$(BIN)/fanpulse demo --serve

collect: $(STAMP)  ## poll every source once
	$(BIN)/fanpulse collect --once

dashboard: $(STAMP)
	$(BIN)/fanpulse dashboard

$(BROWSER_STAMP): | $(BIN)/python
	@{ command -v chromium && [ -e $(EMOJI_FONT) ]; } >/dev/null 2>&1 || { \
		echo "installing chromium and an emoji font for the dashboard's browser tests"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-noto-color-emoji; }
	touch $@

test: $(TEST_STAMP) $(BROWSER_STAMP)  ## lint, format check, layer contracts and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -m "not slow and not soak"

soak: $(TEST_STAMP) $(BROWSER_STAMP)  ## the long checks: a 10-minute daemon soak with held files, a full disk and kill -9s (FANPULSE_SOAK_SECONDS)
	$(BIN)/python -m pytest -m "slow or soak" -s

bench: $(TEST_STAMP) $(BROWSER_STAMP)  ## every promised figure: a table, and bench/results.json
	$(BIN)/python -m bench.run

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

docs: $(STAMP)  ## regenerate docs/cli.md from the Typer app (a test checks it is current)
	$(BIN)/python -m typer fanpulse.cli utils docs --name fanpulse --title "fanpulse command reference" --output docs/cli.md

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
