# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Prefect in local mode with its own home, so nothing depends on ~/.prefect; no telemetry (no internet).
PREFECT_ENV := DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_LOGGING_LEVEL=WARNING \
	PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=90 PREFECT_API_URL=

.PHONY: demo test lint bench bench-extraction clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(PREFECT_ENV) $(BIN)/stancewatch demo

test: $(STAMP)
	$(PREFECT_ENV) PREFECT_HOME=$$(mktemp -d) $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline flows tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(PREFECT_ENV) PREFECT_HOME=$$(mktemp -d) $(BIN)/python bench/run.py

bench-extraction: $(STAMP)
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) data/stancewatch.duckdb data/stancewatch-digests data/digests
