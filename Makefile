# `make run` and `make test` work on a fresh machine with Python 3.11+ and are safe to repeat.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rolecall run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/rolecall content check
	$(BIN)/rolecall eval tests/golden_queries.yaml
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

check: $(STAMP)
	$(BIN)/rolecall content check

bench: $(STAMP)
	$(BIN)/python benchmarks/search.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis
